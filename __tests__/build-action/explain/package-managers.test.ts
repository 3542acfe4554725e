// Which install a RUN script runs, read as shell words (explain/package-managers.ts).
import { describe, it, expect } from '@jest/globals';
import { packageManagerIn } from '../../../src/build-action/explain/package-managers.js';

describe('packageManagerIn: the install a RUN script runs, read as shell words', () => {
  it.each([
    ['npm ci --omit=dev', 'npm'],
    ['npm install', 'npm'],
    ['cd /app && NODE_ENV=production /usr/local/bin/npm i', 'npm'],
    ['yarn', 'yarn'],
    ['yarn install --frozen-lockfile', 'yarn'],
    ['corepack enable && yarn && yarn build', 'yarn'],
    ['pnpm fetch --prod', 'pnpm'],
    ['pip install --no-cache-dir -r requirements.txt', 'pip'],
    ['pip3 install --requirement=requirements/prod.txt', 'pip'],
    ['python -m venv /v && /v/bin/pip install --requirement requirements.txt', 'pip'],
    ['python3 -m pip install -r requirements.txt', 'pip'],
    ['sudo apt-get install -y make', 'apt-get'],
    ['poetry install --no-root', 'poetry'],
    ['pipenv sync', 'pipenv'],
    ['uv sync --frozen', 'uv'],
    ['uv pip install -r requirements.txt', 'uv'],
    ['go mod download', 'go'],
    ['bundle install --jobs 4', 'bundler'],
    ['cargo fetch', 'cargo'],
    ['./mvnw -B dependency:go-offline', 'maven'],
    ['mvn -q dependency:resolve-plugins', 'maven'],
    ['./gradlew --no-daemon :app:dependencies', 'gradle'],
    ['composer install --no-dev', 'composer'],
    ['apt-get update && apt-get -y --no-install-recommends install curl', 'apt-get'],
    ['apk --no-cache --update add git', 'apk'],
  ])('%s -> %s', (script, name) => {
    expect(packageManagerIn(script)?.name).toBe(name);
  });

  it.each([
    'npm run build',
    'npm install-test',
    'pip install flask',
    'echo pip install -r requirements.txt | tee /dev/null',
    'yarn build',
    'go build ./...',
    'mvn package',
    'gradle build',
    'apt-get update',
    'apk del git',
    'uv pip install flask',
    'echo npm ci',
  ])('%s -> none', (script) => {
    expect(packageManagerIn(script)).toBeNull();
  });

  it('keeps one simple command to itself: a flag after a separator belongs to the next command', () => {
    expect(packageManagerIn('pip install flask; ls -r x')).toBeNull();
    expect(packageManagerIn('mvn package && echo dependency:go-offline')).toBeNull();
  });

  it('reads a 200 KB line of separators and flags in one pass', () => {
    const hostile = `pip install ${'-x '.repeat(60_000)}${'&'.repeat(20_000)}`;
    const started = process.hrtime.bigint();
    expect(packageManagerIn(hostile)).toBeNull();
    // Generous: a quadratic scan of this line takes minutes, one pass well under a second.
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(2000);
  });
});
