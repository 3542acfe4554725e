// Value secrets as files in the run's private temp directory, 0600, removed
// when the build is over whatever happened.
import type { ActionFS } from '../ports.js';
import type { SecretStore } from './secrets.js';

export class SecretFiles implements SecretStore {
  private readonly written: string[] = [];

  constructor(
    private readonly dir: string,
    private readonly fs: ActionFS,
  ) {}

  async writeSecret(_id: string, value: string): Promise<string> {
    const file = `${this.dir}/secret-${this.written.length + 1}`;
    this.written.push(file);
    await this.fs.writeText(file, value, 0o600);
    return file;
  }

  fileExists(path: string): Promise<boolean> {
    return this.fs.exists(path);
  }

  async removeAll(): Promise<void> {
    for (const file of this.written) await this.fs.remove(file);
  }
}
