// A bare node:http "inbox" for bench:inbox's ceilings, run as a child process (one thread, like the
// server): POST bodies are read whole and answered 202, nothing else. With `verify`, it also does
// exactly what the floor measures (SHA-256 of the body vs Digest, the draft-cavage signing string,
// crypto.verify with a KeyObject parsed once) and answers 401 when that fails. No framework, no
// JSON parsing, no queue: what any Node server on this machine pays per signed POST.
//
//   node scripts/bench/bare-inbox-server.mjs <bare|verify>   (keys: BARE_INBOX_KEYS = {keyId: pem})
// Prints `listening <port>` on stdout.
import { createPublicKey } from 'node:crypto';
import { createServer } from 'node:http';
import { verifySignedPost } from './federation-common.mjs';

const mode = process.argv[2];
if (mode !== 'bare' && mode !== 'verify') throw new Error('usage: bare-inbox-server.mjs <bare|verify>');
const keys = new Map(
  Object.entries(JSON.parse(process.env.BARE_INBOX_KEYS ?? '{}')).map(([keyId, pem]) => [keyId, createPublicKey(pem)]),
);

const server = createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    if (mode === 'verify') {
      const body = Buffer.concat(chunks).toString('utf8');
      const checked = verifySignedPost(
        { method: request.method, path: request.url, headers: request.headers, body },
        (keyId) => keys.get(keyId),
      );
      if (!checked.ok) {
        response.writeHead(401, { 'content-type': 'text/plain; charset=utf-8' }).end(checked.reason);
        return;
      }
    }
    response.writeHead(202, { 'content-type': 'text/plain; charset=utf-8' }).end('Activity is enqueued.');
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${server.address().port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
