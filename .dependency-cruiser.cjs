/**
 * The hexagon's arrows point inward only (see docs/ARCHITECTURE.md): runtimes -> adapters -> application -> domain.
 * Test support (testing/) sits beside the runtimes and is never imported by production code, except
 * by the one explicit development composition.
 */
module.exports = {
  forbidden: [
    {
      name: "domain-is-pure",
      comment: "The domain imports only effect and itself.",
      severity: "error",
      from: { path: "^domain/" },
      to: { pathNot: ["^domain/", "^node_modules/effect/"] }
    },
    {
      name: "contracts-is-a-leaf",
      comment: "Wire formats import only effect, @effect/platform and other contracts.",
      severity: "error",
      from: { path: "^contracts/" },
      to: { pathNot: ["^contracts/", "^node_modules/effect/", "^node_modules/@effect/platform/"] }
    },
    {
      name: "application-stays-inside",
      comment: "Ports and use cases know the domain and contracts, never adapters or runtimes.",
      severity: "error",
      from: { path: "^application/" },
      to: { path: ["^adapters/", "^runtimes/", "^node_modules/(?!effect/|@effect/platform/)"] }
    },
    {
      name: "adapters-not-runtimes",
      comment: "Adapters are composed by runtimes, never the other way round.",
      severity: "error",
      from: { path: "^adapters/" },
      to: { path: "^runtimes/" }
    },
    {
      name: "testing-stays-out-of-production",
      comment: "Fakes, the driver, the simulator and the port suites are test support; only the development composition mounts them.",
      severity: "error",
      from: { path: "^(domain|application|adapters|contracts|runtimes)/", pathNot: "^runtimes/composition/DevelopmentParts\\.ts$" },
      to: { path: "^testing/" }
    },
    {
      name: "composition-is-below-the-runtimes",
      comment: "Each runtime folder composes runtimes/composition; composition imports no runtime folder, and runtimes do not import each other.",
      severity: "error",
      from: { path: "^runtimes/(composition|http-server|azure-functions|cli)/" },
      to: { path: "^runtimes/(composition|http-server|azure-functions|cli)/", pathNot: ["^runtimes/composition/", "^runtimes/$1/"] }
    },
    {
      name: "no-circular",
      severity: "error",
      from: {},
      to: { circular: true }
    },
    {
      name: "no-unresolvable",
      severity: "error",
      from: {},
      to: { couldNotResolve: true }
    }
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsConfig: { fileName: "tsconfig.json" },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default", "types"] },
    reporterOptions: { text: { highlightFocused: true } }
  }
}
