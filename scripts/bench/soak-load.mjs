// The load of `npm run bench:soak`, all of it running until a deadline: HOME reads (GraphQL
// `timeline(kind: HOME)` and the Mastodon REST home, through autocannon), writes (GraphQL
// createPost and likePost by the members, a small fixed concurrency) and federation (signed
// `Like`s and `Create`s of replies from a fake peer on loopback, through the shared inbox). Each
// part counts what it sent and what failed.
import { createServer as createHttpServer } from 'node:http';
import { performance } from 'node:perf_hooks';
import { autocannonRun, round, throughput } from './common.mjs';
import { AS_CONTEXT, personDocument, rsaKeyPair, signedPostHeaders } from './federation-common.mjs';

const PUBLIC = 'https://www.w3.org/ns/activitystreams#Public';
export const HOME_PAGE_SIZE = 20;
export const REST_HOME_PATH = `/api/v1/timelines/home?limit=${HOME_PAGE_SIZE}`;
export const HOME_QUERY =
  `{ timeline(kind: HOME, first: ${HOME_PAGE_SIZE}) { edges { cursor node { id uri url content title ` +
  'contentWarning visibility createdAt likesCount boostsCount repliesCount ' +
  'author { id handle displayName avatarUrl } media { id url width height altText } } } ' +
  'pageInfo { hasNextPage endCursor } } }';
const CREATE_POST = 'mutation($i: CreatePostInput!) { createPost(input: $i) { id uri } }';
const LIKE_POST = 'mutation($id: ID!) { likePost(id: $id) { likesCount } }';

/** A counter of outcomes: { sent, ok, failed, firstError }. */
const tally = () => ({ sent: 0, ok: 0, failed: 0, firstError: undefined });
function record(counts, ok, error) {
  counts.sent++;
  if (ok) counts.ok++;
  else {
    counts.failed++;
    counts.firstError ??= String(error).slice(0, 300);
  }
}

/**
 * The fake peer: `actors` RSA-2048 actors served at /users/r<i> on a loopback HTTP server (Fedify
 * fetches each one's key once); anything else is a 404, POSTs are accepted and dropped.
 */
export async function startPeer(actors) {
  const byPath = new Map();
  const counts = { actorGets: 0, other: 0 };
  const server = createHttpServer((request, response) => {
    const path = new URL(request.url, 'http://x').pathname;
    const actor = request.method === 'GET' ? byPath.get(path) : undefined;
    request.resume();
    if (actor) {
      counts.actorGets++;
      response.writeHead(200, { 'content-type': 'application/activity+json' });
      response.end(JSON.stringify(actor.document));
      return;
    }
    counts.other++;
    response.writeHead(request.method === 'POST' ? 202 : 404).end();
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  const keyPairs = await Promise.all(Array.from({ length: actors }, () => rsaKeyPair()));
  const list = keyPairs.map((keys, i) => {
    const id = `${origin}/users/r${i}`;
    const actor = {
      id,
      keyId: `${id}#main-key`,
      privateKey: keys.privateKey,
      document: personDocument({
        id,
        username: `r${i}`,
        inbox: `${id}/inbox`,
        sharedInbox: `${origin}/inbox`,
        publicKeyPem: keys.publicKeyPem,
      }),
    };
    byPath.set(`/users/r${i}`, actor);
    return actor;
  });
  return {
    origin,
    actors: list,
    counts,
    close() {
      server.closeAllConnections();
      server.close();
    },
  };
}

/** Activity n from the peer: even n a `Like` of a local post, odd n a `Create` of a reply to one. */
function activity(n, peer, postUris) {
  const actor = peer.actors[n % peer.actors.length];
  const target = postUris[Math.floor(n / 2) % postUris.length];
  if (n % 2 === 0) {
    return {
      actor,
      body: { '@context': AS_CONTEXT, id: `${actor.id}/likes/${n}`, type: 'Like', actor: actor.id, object: target },
    };
  }
  const published = new Date().toISOString();
  const note = {
    id: `${actor.id}/statuses/${n}`,
    type: 'Note',
    attributedTo: actor.id,
    content: `<p>Reply ${n} from the soak peer: guild hall craft maker song paint stitch wood clay loom.</p>`,
    published,
    inReplyTo: target,
    to: [PUBLIC],
    cc: [`${actor.id}/followers`],
    url: `${actor.id}/statuses/${n}`,
  };
  return {
    actor,
    body: {
      '@context': AS_CONTEXT,
      id: `${note.id}/activity`,
      type: 'Create',
      actor: actor.id,
      published,
      to: note.to,
      cc: note.cc,
      object: note,
    },
  };
}

/** Signed POSTs to the server's shared inbox, `concurrency` at a time, until `deadline` (performance.now()). */
export async function federationLoad({ port, peer, postUris, concurrency, deadline }) {
  const counts = { likes: tally(), creates: tally() };
  let next = 0;
  const lane = async () => {
    while (performance.now() < deadline) {
      const n = next++;
      const { actor, body } = activity(n, peer, postUris());
      const text = JSON.stringify(body);
      const headers = signedPostHeaders({
        host: `127.0.0.1:${port}`,
        path: '/inbox',
        body: text,
        keyId: actor.keyId,
        privateKey: actor.privateKey,
      });
      const counter = n % 2 === 0 ? counts.likes : counts.creates;
      try {
        const response = await fetch(`http://127.0.0.1:${port}/inbox`, {
          method: 'POST',
          headers,
          body: text,
          signal: AbortSignal.timeout(15_000),
        });
        const answer = await response.text();
        record(counter, response.status === 202, `${response.status} ${answer.slice(0, 200)}`);
      } catch (error) {
        record(counter, false, error);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return counts;
}

async function graphqlCall(port, token, query, variables) {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(15_000),
  });
  const body = await response.json();
  if (response.status !== 200 || body.errors || !body.data) {
    throw new Error(`${response.status} ${JSON.stringify(body.errors ?? body).slice(0, 300)}`);
  }
  return body.data;
}

/** One post by `member` through GraphQL; resolves with { id, uri }. */
export const createPost = (port, member, content) =>
  graphqlCall(port, member.token, CREATE_POST, { i: { content, visibility: 'PUBLIC' } }).then(
    (data) => data.createPost,
  );

/**
 * Writes until `deadline`: `concurrency` lanes, each alternating a createPost by the next member
 * (its id and uri added to `posts`) and a likePost by another member of a recent post.
 */
export async function writeLoad({ port, members, posts, concurrency, deadline }) {
  const counts = { createPost: tally(), likePost: tally() };
  let next = 0;
  const lane = async () => {
    while (performance.now() < deadline) {
      const n = next++;
      const member = members[n % members.length];
      if (n % 2 === 0) {
        try {
          const post = await createPost(port, member, `Soak post ${n}: a lantern in the workshop, ink on paper.`);
          posts.push(post);
          record(counts.createPost, true);
        } catch (error) {
          record(counts.createPost, false, error);
        }
      } else {
        const target = posts[posts.length - 1 - (n % Math.min(posts.length, 50))];
        try {
          await graphqlCall(port, member.token, LIKE_POST, { id: target.id });
          record(counts.likePost, true);
        } catch (error) {
          record(counts.likePost, false, error);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return counts;
}

/** HOME reads for `seconds`: GraphQL and REST side by side, `connections` each, bearer tokens rotated over `members`. */
export async function readLoad({ port, members, connections, seconds }) {
  const run = (label, makeRequest) => {
    let bad = 0;
    let firstBad;
    return autocannonRun(port, {
      connections,
      duration: seconds,
      request: {
        ...makeRequest(0),
        setupRequest: (request, context) => {
          context.n = (context.n ?? Math.floor(Math.random() * members.length)) + 1;
          return { ...request, ...makeRequest(context.n) };
        },
        onResponse: (status, body) => {
          if (status === 200 && !body.includes('"errors":[')) return;
          bad++;
          firstBad ??= `${status} ${String(body).slice(0, 300)}`;
        },
      },
    }).then((result) => ({
      ...throughput(result),
      errors: result.errors + result.timeouts + bad,
      ...(firstBad ? { firstError: firstBad } : {}),
      label,
    }));
  };
  const auth = (n) => ({ authorization: `Bearer ${members[n % members.length].token}` });
  const graphqlBody = JSON.stringify({ query: HOME_QUERY });
  const [graphql, rest] = await Promise.all([
    run('graphql', (n) => ({
      method: 'POST',
      path: '/graphql',
      headers: { 'content-type': 'application/json', ...auth(n) },
      body: graphqlBody,
    })),
    run('rest', (n) => ({ method: 'GET', path: REST_HOME_PATH, headers: auth(n) })),
  ]);
  return { graphql, rest };
}

/** Least-squares slope of `points` ([x, y]), or null with fewer than two. */
export function slope(points) {
  if (points.length < 2) return null;
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  return sxx === 0 ? null : round(sxy / sxx, 2);
}
