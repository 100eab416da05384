// REST calls to this server with the API key in the X-API-Key header. A call
// never throws for HTTP or network failures: it resolves to
// {status, data, meta, error}, status 0 when the server was unreachable, so
// views can render "unavailable" instead of failing.

export class Rest {
  /** @param {string} key API key, '' for none */
  constructor(key) {
    this.key = key;
  }

  /** GET a path of this origin; the JSON body's data/meta/error are lifted. */
  async get(path, { signal } = {}) {
    const headers = { Accept: 'application/json' };
    if (this.key) headers['X-API-Key'] = this.key;
    let res;
    try {
      res = await fetch(path, { headers, signal, credentials: 'omit', cache: 'no-store' });
    } catch (err) {
      if (err && err.name === 'AbortError') throw err;
      return { status: 0, data: null, meta: null, error: { code: 'network', message: 'server unreachable' } };
    }
    let body = null;
    try {
      body = await res.json();
    } catch {
      body = null; // not JSON (a proxy's error page): keep the status
    }
    if (!res.ok) {
      const error = (body && body.error) || { code: String(res.status), message: res.statusText || 'HTTP ' + res.status };
      return { status: res.status, data: null, meta: null, error };
    }
    return { status: res.status, data: body ? body.data : null, meta: body ? body.meta : null, error: null };
  }
}

/** A one-line reason for an unavailable resource. */
export function reason(res) {
  switch (res.status) {
    case 0: return 'server unreachable';
    case 401: return 'an API key is required (open the page with ?key=…)';
    case 403: return 'this API key may not read it';
    case 404: return 'not available on this server';
    case 429: return 'rate limited, try again shortly';
    case 502: case 503: case 504: return 'upstream unavailable right now';
  }
  return (res.error && res.error.message) || 'HTTP ' + res.status;
}
