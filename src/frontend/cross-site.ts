// Refuses cross-site requests to the mutating admin API. A browser logged in to /admin/ would
// otherwise send its basic-auth credentials along with a POST from any page it visits. Modern
// browsers say where a request comes from in Sec-Fetch-Site; older ones at least send Origin on
// a POST. Requests with neither (curl, scripts) are not from a browser page and pass.

export interface CrossSiteHeaders {
  secFetchSite: string | undefined;
  origin: string | undefined;
  /** The Host header (or X-Forwarded-Host behind a reverse proxy). */
  host: string | undefined;
}

/** Undefined when the request may proceed, otherwise the reason it is refused. */
export function crossSiteRefusal(h: CrossSiteHeaders): string | undefined {
  if (h.secFetchSite !== undefined && h.secFetchSite !== 'same-origin' && h.secFetchSite !== 'none') {
    return `cross-site request refused (Sec-Fetch-Site: ${h.secFetchSite})`;
  }
  if (h.origin !== undefined) {
    let originHost: string;
    try {
      originHost = new URL(h.origin).host;
    } catch {
      return `cross-site request refused (Origin: ${h.origin})`;
    }
    if (h.host === undefined || originHost.toLowerCase() !== h.host.toLowerCase()) {
      return `cross-site request refused (Origin ${h.origin} is not this server)`;
    }
  }
  return undefined;
}
