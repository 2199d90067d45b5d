export * from "./ChatView.js"
export * from "./Simulator.js"
export { SimulatorRoutes, whatsAppOverFakeWithSimulator } from "./SimulatorRoutes.js"
