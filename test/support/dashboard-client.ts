/** A signed-in browser session against the dashboard, over real HTTP: its cookie and CSRF token. */
export class DashboardClient {
  private constructor(
    readonly base: string,
    readonly cookie: string,
    readonly csrfToken: string,
  ) {}

  static async login(base: string, username: string, password: string): Promise<DashboardClient> {
    const response = await fetch(`${base}/login`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ username, password }),
    });
    if (response.status !== 303) throw new Error(`login as ${username} failed: ${response.status}`);
    const cookie = (response.headers.get("set-cookie") ?? "").split(";")[0]!;
    const page = await (await fetch(`${base}/`, { headers: { cookie } })).text();
    const csrfToken = /<meta name="csrf-token" content="([^"]+)">/.exec(page)?.[1] ?? "";
    return new DashboardClient(base, cookie, csrfToken);
  }

  async get(path: string): Promise<{ status: number; body: any; text: string }> {
    const response = await fetch(`${this.base}${path}`, { headers: { cookie: this.cookie }, redirect: "manual" });
    const text = await response.text();
    return { status: response.status, text, body: parse(text) };
  }

  /** A JSON POST with the CSRF token, unless told to forge one without. */
  async post(path: string, body: unknown, options: { csrf?: boolean } = {}): Promise<{ status: number; body: any }> {
    const headers: Record<string, string> = { cookie: this.cookie, "content-type": "application/json" };
    if (options.csrf !== false) headers["x-csrf-token"] = this.csrfToken;
    const response = await fetch(`${this.base}${path}`, { method: "POST", headers, body: JSON.stringify(body), redirect: "manual" });
    return { status: response.status, body: parse(await response.text()) };
  }
}

function parse(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
