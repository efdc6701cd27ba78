// Loaded into each service child (NODE_OPTIONS=--import=…/stall-probe.mjs, see service-child.ts):
// reports on stderr each time this process did not run for a while — its event loop blocked, or
// the process not scheduled — as `stall-probe: <from> <to>` (Date.now() ms). A send due in such a
// gap leaves late, next to sends that leave on time: the jitter the pacing margin has to absorb.
const TICK_MS = 5;
const REPORT_MS = Number(process.env.STALL_PROBE_MS ?? 10);
let last = Date.now();
let lastHr = performance.now();
setInterval(() => {
  const hr = performance.now();
  const now = Date.now();
  if (hr - lastHr - TICK_MS >= REPORT_MS) process.stderr.write(`stall-probe: ${last} ${now}\n`);
  last = now;
  lastHr = hr;
}, TICK_MS).unref();
