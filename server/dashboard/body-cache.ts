// Page contents made once per version of the data and question asked, then framed per person:
// under load the dashboard renders each distinct page once, not once per request.
export class BodyCache {
  private version = '';
  private readonly bodies = new Map<string, Buffer>();

  constructor(private readonly limit = 500) {}

  async get(version: string, key: string, make: () => Promise<string>): Promise<Buffer> {
    if (version !== this.version) {
      this.bodies.clear();
      this.version = version;
    }
    let body = this.bodies.get(key);
    if (body === undefined) {
      body = Buffer.from(await make());
      // A new version may have arrived while this one was made: keep only what is current.
      if (version === this.version && this.bodies.size < this.limit) this.bodies.set(key, body);
    }
    return body;
  }
}
