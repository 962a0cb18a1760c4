import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/**
 * The built service (`dist/gateway/main.js`, what `npm start` runs) as a process of its own, for
 * the suites that signal or kill it. `npm run build` precedes jest in `npm test`.
 */

/** The build's root folder. */
export const BUILD = path.resolve(__dirname, '../../../dist');

/** A started service process. */
export interface RunningProcess {
  readonly child: ChildProcess;
  readonly baseUrl: string;
  /** Every line it has written to stdout so far (its pino log). */
  readonly lines: readonly string[];
  /** Resolves with its exit code once it has exited. */
  readonly exited: Promise<number | null>;
}

/**
 * Starts the service on `dataDir` on a free port of 127.0.0.1, with logs at info and `env` on
 * top, and resolves once it logs that it listens.
 */
export function startProcess(dataDir: string, env: Record<string, string> = {}): Promise<RunningProcess> {
  const child = spawn(process.execPath, [path.join(BUILD, 'gateway/main.js')], {
    env: { ...process.env, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  // Drained, so that a chatty stderr cannot fill its pipe and stall the service; kept for errors.
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return new Promise((resolve, reject) => {
    let partial = '';
    const timer = setTimeout(() => {
      reject(new Error(`service did not start: ${lines.join('\n')}\n${stderr}`));
    }, 60_000);
    child.stdout.on('data', (chunk: Buffer) => {
      const parts = (partial + chunk.toString()).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        if (!line.includes('gateway listening')) continue;
        const port = (JSON.parse(line) as { port: number }).port;
        clearTimeout(timer);
        resolve({ child, baseUrl: `http://127.0.0.1:${String(port)}`, lines, exited });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`service exited with ${String(code)}: ${lines.join('\n')}\n${stderr}`));
    });
  });
}
