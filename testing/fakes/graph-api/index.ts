export * from "./FakeGraphApi.js"
export * from "./layers.js"
export * from "./metaJson.js"
