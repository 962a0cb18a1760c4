import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { ReadModelInUseError, SqliteReadModel } from '../../../gateway/read-model/sqlite.read-model';

describe('SqliteReadModel ownership', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'fic-read-model-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a second holder of the same file while the first is open, and reopens after close', () => {
    const file = path.join(dir, 'read-model.sqlite');
    const owner = SqliteReadModel.open(file);
    owner.commitBlock(3, () => undefined);

    expect(() => SqliteReadModel.open(file)).toThrow(ReadModelInUseError);
    expect(() => SqliteReadModel.open(file)).toThrow(/in use by another gateway/);

    owner.close();
    const next = SqliteReadModel.open(file);
    expect(next.processedHeight()).toBe(3);
    next.close();
  });
});
