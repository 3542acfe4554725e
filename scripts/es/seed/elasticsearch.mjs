// The few Elasticsearch REST calls the seeder needs, over node:http(s) with keep-alive, so it runs
// without the project's dependencies installed and can trust a test CA without global settings.
import http from 'node:http';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { URL } from 'node:url';

/**
 * @param {{url: string, username?: string, password?: string, apiKey?: string, bearerToken?: string, caCertPath?: string}} options
 */
export function createElasticsearch(options) {
  const base = new URL(options.url);
  const secure = base.protocol === 'https:';
  const agent = new (secure ? https : http).Agent({
    keepAlive: true,
    maxSockets: 16,
    ...(secure && options.caCertPath ? { ca: readFileSync(options.caCertPath) } : {}),
  });
  const headers = {};
  if (options.apiKey) headers.authorization = `ApiKey ${options.apiKey}`;
  else if (options.bearerToken) headers.authorization = `Bearer ${options.bearerToken}`;
  else if (options.username)
    headers.authorization = `Basic ${Buffer.from(`${options.username}:${options.password ?? ''}`).toString('base64')}`;
  const where = `${base.protocol}//${base.host}`;

  /** Sends one request; resolves with the status and parsed JSON body, never rejects on HTTP status. */
  function request(method, path, body, contentType = 'application/json') {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = (secure ? https : http).request(
        new URL(path, base),
        {
          method,
          agent,
          headers: {
            ...headers,
            accept: 'application/json',
            ...(payload === undefined
              ? {}
              : { 'content-type': contentType, 'content-length': Buffer.byteLength(payload) }),
          },
        },
        (res) => {
          const chunks = [];
          res.on('data', (chunk) => chunks.push(chunk));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let json;
            try {
              json = text ? JSON.parse(text) : undefined;
            } catch {
              json = undefined;
            }
            resolve({ status: res.statusCode ?? 0, body: json, text });
          });
          res.on('error', reject);
        },
      );
      req.on('error', (error) =>
        reject(new Error(`Elasticsearch at ${where} is unreachable (${method} ${path}): ${error.message}`)),
      );
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  /** Like request, but a status outside 2xx is an error naming the call and the server's reason. */
  async function call(method, path, body, contentType) {
    const response = await request(method, path, body, contentType);
    if (response.status < 200 || response.status > 299) {
      const reason = response.body?.error?.reason ?? response.body?.error ?? response.text.slice(0, 500);
      throw new Error(
        `Elasticsearch at ${where} answered ${response.status} to ${method} ${path}: ${typeof reason === 'string' ? reason : JSON.stringify(reason)}`,
      );
    }
    return response.body;
  }

  return { where, request, call, close: () => agent.destroy() };
}
