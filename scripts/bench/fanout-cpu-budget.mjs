// What one fan-out delivery costs in CPU on this machine, measured in one run so that the figures
// share the machine's load (docs/adr/0061): an RSA-2048 signature (node:crypto, one thread: the
// bench:fanout floor), one POST of a ~1.5 kB activity through an undici Agent configured as
// OutboundHttp's on a new and on a reused loopback connection, and the receiving side (a node:http
// server per host in a child process: accept, parse, digest, RSA verify), as bench:fanout's
// receivers do. From them, the ratio to the single-thread signing floor that the machine's cores
// allow at best when every core works only for the fan-out:
//   ceiling = cores × signature CPU ÷ (signature + sender HTTP + receiver) CPU per delivery.
// Prints one JSON object. Kills only the child it started.
//
//   node scripts/bench/fanout-cpu-budget.mjs [--posts=1000]
import { fork } from 'node:child_process';
import { createHash, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';

const require = createRequire(import.meta.url);
const POSTS = Number(process.argv.find((arg) => arg.startsWith('--posts='))?.slice('--posts='.length) ?? 1_000);
const IN_FLIGHT = 16;
/** Hosts POSTed to first, unmeasured: undici's and node:net's code paths compiled before the new-connection round. */
const WARM_UP = 200;
const round2 = (n) => Math.round(n * 100) / 100;
const cpuMicros = (usage) => usage.user + usage.system;

if (process.argv.includes('--receivers')) {
  // Child: one node:http server per host, answering 202 and checking each signature.
  let publicKey;
  const ports = [];
  for (let i = 0; i < POSTS + WARM_UP; i++) {
    const server = createServer((request, response) => {
      const chunks = [];
      request.on('data', (chunk) => chunks.push(chunk));
      request.on('end', () => {
        response.writeHead(202).end();
        createHash('sha256').update(Buffer.concat(chunks)).digest('base64');
        const signed = Buffer.from(String(request.headers['x-signed']).replaceAll('|', '\n'));
        verify('sha256', signed, publicKey, Buffer.from(String(request.headers['x-signature']), 'base64'));
      });
    });
    server.keepAliveTimeout = 5_000;
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    ports.push(server.address().port);
  }
  process.on('message', (message) => {
    if (message.publicKey) publicKey = createPublicKey(message.publicKey);
    if (message.cpu) process.send({ cpu: cpuMicros(process.cpuUsage()) });
  });
  process.send({ ports });
} else {
  const { Agent } = require('undici');
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2_048 });
  const child = fork(new URL(import.meta.url), ['--receivers', `--posts=${POSTS}`]);
  try {
    const { ports: allPorts } = await new Promise((resolve) => child.once('message', resolve));
    const ports = allPorts.slice(0, POSTS);
    child.send({ publicKey: publicKey.export({ type: 'spki', format: 'pem' }) });
    const childCpu = () =>
      new Promise((resolve) => {
        child.once('message', (message) => resolve(message.cpu));
        child.send({ cpu: true });
      });
    // As OutboundHttp builds it (FEDERATION_ALLOW_PRIVATE_ADDRESSES on: no guarded connector).
    const agent = new Agent({ connectTimeout: 10_000, headersTimeout: 10_000, bodyTimeout: 10_000, connections: 64 });
    const body = Buffer.from(JSON.stringify({ type: 'Create', content: 'x'.repeat(1_400) }));
    const signingString = (port, i) =>
      `(request-target): post /inbox\nhost: 127.0.0.1:${port}\ndate: ${new Date().toUTCString()}\n` +
      `digest: SHA-256=${i}\ncontent-type: application/activity+json`;
    const loadAtStart = loadavg().map(round2);

    const signatures = allPorts.map((port, i) => Buffer.from(signingString(port, i)));
    const signStarted = process.cpuUsage();
    const signed = signatures.map((data) => sign('sha256', data, privateKey).toString('base64'));
    const signatureCpuUs = cpuMicros(process.cpuUsage(signStarted)) / signatures.length;

    const post = (port, i) =>
      new Promise((resolve, reject) => {
        agent.dispatch(
          {
            origin: `http://127.0.0.1:${port}`,
            path: '/inbox',
            method: 'POST',
            headers: {
              'content-type': 'application/activity+json',
              'x-signed': signatures[i].toString().replaceAll('\n', '|'),
              'x-signature': signed[i],
            },
            body,
          },
          {
            onRequestStart() {},
            onResponseStart() {},
            onResponseData() {},
            onResponseEnd: () => resolve(),
            onResponseError: (_controller, error) => reject(error),
          },
        );
      });
    for (let i = POSTS; i < allPorts.length; i++) await post(allPorts[i], i);
    const http = {};
    for (const connection of ['new', 'reused']) {
      const started = performance.now();
      const senderStarted = process.cpuUsage();
      const receiverStarted = await childCpu();
      let next = 0;
      await Promise.all(
        Array.from({ length: IN_FLIGHT }, async () => {
          while (next < POSTS) {
            const i = next++;
            await post(ports[i], i);
          }
        }),
      );
      const senderUs = cpuMicros(process.cpuUsage(senderStarted)) / POSTS;
      const receiverUs = ((await childCpu()) - receiverStarted) / POSTS;
      http[connection] = {
        wallMs: Math.round(performance.now() - started),
        senderCpuUsPerPost: Math.round(senderUs),
        receiverCpuUsPerPost: Math.round(receiverUs),
      };
    }
    await agent.close();
    const perDelivery = signatureCpuUs + http.new.senderCpuUsPerPost + http.new.receiverCpuUsPerPost;
    const perDeliveryReused = signatureCpuUs + http.reused.senderCpuUsPerPost + http.reused.receiverCpuUsPerPost;
    console.log(
      JSON.stringify(
        {
          node: process.version,
          cores: cpus().length,
          loadAverageAtStart: loadAtStart,
          loadAverageAtEnd: loadavg().map(round2),
          posts: POSTS,
          signatureCpuUs: Math.round(signatureCpuUs),
          http,
          cpuUsPerDelivery: { newConnection: Math.round(perDelivery), reusedConnection: Math.round(perDeliveryReused) },
          ceilingRatioVsSigningFloor: {
            newConnection: round2((cpus().length * signatureCpuUs) / perDelivery),
            reusedConnection: round2((cpus().length * signatureCpuUs) / perDeliveryReused),
          },
          note: 'ceiling = cores × signature CPU ÷ CPU per delivery (signature + sender HTTP + receiver): the best deliveries/s over the single-thread signing rate if every core served the fan-out and nothing else (no database, queue, server or other load counted)',
        },
        null,
        2,
      ),
    );
  } finally {
    child.kill();
  }
}
