// Stops the first npm command with a clear message on a Node too old for
// the pinned tools (Vite 5 needs 18).
const major = Number(process.versions.node.split('.')[0])
if (major < 18) {
  console.error(`Node >= 18 required (this is ${process.versions.node}); on Debian 12: apt-get install nodejs npm`)
  process.exit(1)
}
