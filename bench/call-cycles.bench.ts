import { runCallCycles } from './helpers/call-cycles.js';
const r = await runCallCycles({ calls: Number(process.env.N ?? 40), lines: Number(process.env.L ?? 4), audioMs: 400, tailMs: 200 });
console.log(JSON.stringify({ fd: r.fd, rss: r.rss, elapsedMs: r.elapsedMs }));
for (const c of r.calls) console.log(JSON.stringify(c));
console.log(JSON.stringify(r.endedInOrder.slice(0, 5)));
