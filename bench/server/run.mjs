// bench/server: does a fit running in the same process hurt an HTTP server's latency, and does the server's
// load slow the fit? (issue: server use). Loopback only; bounded request count and time.
//
//   npm run build:ts && node bench/server/run.mjs [--quick]
//
// Phases, measured in ONE run and reported as ratios:
//   1. idle: N requests to GET /ping with no fit running → p50/p99 latency.
//   2. fit only: minimizeAsync (native lbfgs) with no requests → fit wall time.
//   3. both: the same fit while a client sends requests as fast as it can (one in flight) → p50/p99 of /ping
//      during the fit, and the fit's wall time (slowdown = both / fit only).
//   4. the same as 3 with the SYNCHRONOUS minimize, to show what blocking the event loop would cost.
import * as http from 'node:http';
import * as os from 'node:os';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const lib = require(path.join(here, '../../dist/index.js'));
const quick = process.argv.includes('--quick');

function problem(n, d) {
  const data = new Float64Array(n * d);
  const y = new Float64Array(n);
  let s = 12345;
  const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296);
  for (let i = 0; i < n; i++) {
    let z = 0;
    for (let j = 0; j < d; j++) { const v = (rnd() * 2 - 1) * (1 + (j % 7)); data[i * d + j] = v; z += v * ((j % 5) - 2); }
    y[i] = z + rnd() - 0.5 > 0 ? 1 : 0;
  }
  return lib.logistic(new lib.DenseMatrix(data, n, d), y, { l2: 1 / n, backend: 'native' });
}

function pct(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function requestLoop(port, stopAt, maxRequests) {
  const lat = [];
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  while (performance.now() < stopAt() && lat.length < maxRequests) {
    const t0 = performance.now();
    await new Promise((resolve, reject) => {
      http.get({ host: '127.0.0.1', port, path: '/ping', agent }, (res) => { res.resume(); res.on('end', resolve); }).on('error', reject);
    });
    lat.push(performance.now() - t0);
  }
  agent.destroy();
  return lat.sort((a, b) => a - b);
}

async function main() {
  const server = http.createServer((req, res) => { res.writeHead(200, { 'content-type': 'text/plain' }); res.end('pong'); });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const port = server.address().port;
  const n = quick ? 40000 : 100000, d = 100, iters = quick ? 60 : 150;
  const f = problem(n, d);
  const x0 = new Float64Array(f.dim);
  const opts = { method: 'lbfgs', gradTol: 0, maxIterations: iters };

  // 1. idle latency
  const idle = await requestLoop(port, () => Infinity, quick ? 500 : 2000);
  // 2. fit alone
  let t = performance.now();
  await lib.minimizeAsync(f, x0, opts);
  const fitAlone = performance.now() - t;
  // 3. fit + requests
  let done = false;
  t = performance.now();
  const fitP = lib.minimizeAsync(f, x0, opts).then(() => { done = true; return performance.now() - t; });
  const during = await requestLoop(port, () => (done ? -Infinity : Infinity), 1e6);
  const fitLoaded = await fitP;
  // 4. synchronous fit: requests queue behind it
  done = false;
  const reqP = requestLoop(port, () => (done ? -Infinity : Infinity), 1e6);
  await new Promise((r) => setTimeout(r, 5));
  t = performance.now();
  lib.minimize(f, x0, opts);
  const fitSync = performance.now() - t;
  done = true;
  const duringSync = await reqP;
  server.close();

  const rows = [
    ['idle server', idle],
    ['during minimizeAsync', during],
    ['during sync minimize', duringSync],
  ];
  const cpu = os.cpus()[0]?.model ?? 'unknown';
  console.log(`machine: ${cpu}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, threads ${lib.getThreads()}`);
  console.log(`fit: dense logistic ${n}x${d}, lbfgs ${iters} iterations`);
  console.log('| phase | requests | p50 ms | p99 ms | max ms | p99 / idle p99 |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const [name, lat] of rows) {
    console.log(`| ${name} | ${lat.length} | ${pct(lat, 50).toFixed(3)} | ${pct(lat, 99).toFixed(3)} | ${lat[lat.length - 1].toFixed(1)} | ${(pct(lat, 99) / pct(idle, 99)).toFixed(1)}x |`);
  }
  console.log(`fit slowdown from serving requests: ${(fitLoaded / fitAlone).toFixed(2)}x (async fit under load / async fit alone)`);
  console.log(`sync fit / async fit alone: ${(fitSync / fitAlone).toFixed(2)}x`);
  const out = {
    date: new Date().toISOString(), machine: { cpu, cores: os.cpus().length, memGiB: os.totalmem() / 2 ** 30 }, node: process.version,
    threads: lib.getThreads(), problem: { n, d, iters },
    latencyMs: Object.fromEntries(rows.map(([k, l]) => [k, { count: l.length, p50: pct(l, 50), p99: pct(l, 99), max: l[l.length - 1] }])),
    fitSlowdown: fitLoaded / fitAlone, syncOverAsync: fitSync / fitAlone,
  };
  fs.mkdirSync(path.join(here, '../results'), { recursive: true });
  fs.writeFileSync(path.join(here, '../results/server.json'), JSON.stringify(out, null, 2));
}

main().catch((e) => { console.error(e); process.exit(1); });
