// A small browser-like HTTP client for tests: keeps cookies, does not follow redirects, and can log
// in through the real form (CSRF token and all).
export interface Response {
  status: number;
  headers: Headers;
  text: string;
  location: string | null;
}

export class TestClient {
  constructor(
    readonly baseUrl: string,
    private readonly cookies = new Map<string, string>(),
  ) {}

  /** The same browser (cookies shared) talking to another server, e.g. a second instance. */
  at(baseUrl: string): TestClient {
    return new TestClient(baseUrl, this.cookies);
  }

  async request(method: string, path: string, init: { body?: string | URLSearchParams; headers?: Record<string, string> } = {}): Promise<Response> {
    const headers: Record<string, string> = { ...init.headers };
    if (this.cookies.size) headers.cookie = this.cookieHeader();
    const res = await fetch(new URL(path, this.baseUrl), { method, body: init.body, headers, redirect: 'manual' });
    for (const cookie of res.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (/expires=Thu, 01 Jan 1970/i.test(cookie) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return { status: res.status, headers: res.headers, text: await res.text(), location: res.headers.get('location') };
  }

  get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    return this.request('GET', path, { headers });
  }

  postForm(path: string, fields: Record<string, string>): Promise<Response> {
    return this.request('POST', path, { body: new URLSearchParams(fields), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  }

  /** The CSRF token of the form on a page. */
  async csrfToken(path: string): Promise<string> {
    const page = await this.get(path);
    const match = /name="_csrf" value="([^"]+)"/.exec(page.text);
    if (!match) throw new Error(`no CSRF token on ${path} (status ${page.status})`);
    return match[1]!;
  }

  /** Where the form with this id on a page posts to (with any token the action carries), unescaped. */
  async formAction(path: string, id: string): Promise<string> {
    const page = await this.get(path);
    const action = new RegExp(`<form id="${id}" method="post" action="([^"]+)"`).exec(page.text)?.[1];
    if (action === undefined) throw new Error(`no form #${id} on ${path} (status ${page.status})`);
    return action.replaceAll('&amp;', '&');
  }

  /** Logs in through the login form; returns the response to the form POST. */
  async login(email: string, password: string): Promise<Response> {
    const token = await this.csrfToken('/login');
    return this.postForm('/login', { _csrf: token, email, password, next: '/' });
  }

  /** The Cookie header this client sends, for a raw fetch (e.g. of a binary download). */
  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  hasCookie(name: string): boolean {
    return this.cookies.has(name);
  }
}
