// Preloaded (NODE_OPTIONS=--import) into the server and worker the federation benchmarks start.
// Fedify 2.3.6 refuses `allowPrivateAddress: true` together with custom document/context loader
// factories ("Cannot set documentLoaderFactory with allowPrivateAddress or userAgent options."),
// which is what FederationService passes when FEDERATION_ALLOW_PRIVATE_ADDRESSES=true: the server
// cannot start with the setting the loopback benchmarks need. Fedify uses that flag only for its
// built-in loaders (replaced here by ours, which apply the setting themselves) and for handle
// (WebFinger) lookups through its Context, so dropping it in exactly that combination is what a
// fix in federation.service.ts would do. A configuration Fedify accepts passes through untouched.
// Says once on stderr when it acted (the benchmarks report it).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const fedify = require('@fedify/fedify');
const createFederation = fedify.createFederation;

fedify.createFederation = function benchShimCreateFederation(options) {
  const custom =
    options?.documentLoaderFactory != null ||
    options?.contextLoaderFactory != null ||
    options?.authenticatedDocumentLoaderFactory != null;
  if (options?.allowPrivateAddress === true && custom) {
    process.stderr.write(
      'bench shim: dropped allowPrivateAddress=true from createFederation (Fedify refuses it with custom loader factories)\n',
    );
    const rest = { ...options };
    delete rest.allowPrivateAddress;
    return createFederation.call(this, rest);
  }
  return createFederation.call(this, options);
};
