// Preloaded (`node --import`) into a Lambda bundle that a test runs in a child process. The
// KeyValueStore API has no local emulator and its SDK endpoint is always
// https://<account>.cloudfront-kvs.global.api.aws, so requests to that host go instead, over plain
// HTTP, to the test's stand-in at KVS_STAND_IN (test/support/kvs-stand-in.ts). Signed as for AWS;
// the original host travels in x-original-host. No other request is touched.
import http from 'node:http';
import https from 'node:https';
import { syncBuiltinESMExports } from 'node:module';

const target = new URL(process.env.KVS_STAND_IN);
const KVS_HOST = /\.cloudfront-kvs\.global\.api\.aws$/;
const original = https.request;

https.request = function request(options, ...rest) {
  const host =
    options && typeof options === 'object' && !(options instanceof URL) ? (options.hostname ?? options.host ?? '') : '';
  if (KVS_HOST.test(host)) {
    const { agent: _agent, ...plain } = options;
    const headers = { ...plain.headers, 'x-original-host': host };
    return http.request(
      { ...plain, headers, protocol: 'http:', host: target.hostname, hostname: target.hostname, port: target.port },
      ...rest,
    );
  }
  return original.call(this, options, ...rest);
};
// The bundle imports node:https as an ES module: make its named export see the replacement too.
syncBuiltinESMExports();
