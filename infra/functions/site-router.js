import cf from 'cloudfront';

// The site distribution's viewer-request function (CloudFront Functions, cloudfront-js-2.0). Every
// publish uploads a whole build under builds/<id>/ and then sets the key value store's "current" to
// <id> (src/core/report/publish-site.ts): this function maps each request onto the current build, so the
// switch is that one key and no reader gets pages of two builds or a link into a half-uploaded one.
// The rewritten URI is also the cache key, so a new build is never answered from an old build's cache.
const pointer = cf.kvs();

async function handler(event) {
  const request = event.request;
  const uri = request.uri;
  const name = uri.slice(uri.lastIndexOf('/') + 1);
  // A folder without its slash (/latest): redirect, so the page's relative links resolve inside it.
  if (name !== '' && name.indexOf('.') === -1) {
    return { statusCode: 301, statusDescription: 'Moved Permanently', headers: { location: { value: uri + '/' } } };
  }
  const path = name === '' ? uri + 'index.html' : uri;
  let build;
  try {
    build = await pointer.get('current');
  } catch (e) {
    // No "current" yet: no build was ever switched in, and the bucket still has the site at its root
    // (the layout before builds). Once builds exist the root is emptied, so a failed lookup then
    // gets an error from the bucket, never a page of another build.
    request.uri = path;
    return request;
  }
  request.uri = '/builds/' + build + path;
  return request;
}
