// Imports the modules named on the command line in a fresh process and prints how long that took,
// as one JSON line: the module load part of a cold start, nothing built or started.
const started = performance.now()
for (const specifier of process.argv.slice(2)) await import(specifier)
console.log(JSON.stringify({ importMs: performance.now() - started, sinceProcessStartMs: performance.now() }))
