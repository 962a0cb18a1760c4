import path from 'node:path';

import { demoBaseUrl, demoIdentitiesFile } from '../../../gateway/demo/demo.target';

describe('where the demo finds the service', () => {
  it.each([
    [{}, 'http://127.0.0.1:8080'],
    [{ PORT: '9090' }, 'http://127.0.0.1:9090'],
    [{ HOST: '0.0.0.0', PORT: '9090' }, 'http://127.0.0.1:9090'],
    [{ HOST: '::' }, 'http://127.0.0.1:8080'],
    [{ HOST: '::1', PORT: '9090' }, 'http://[::1]:9090'],
    [{ HOST: 'gateway.internal', PORT: '' }, 'http://gateway.internal:8080'],
    [{ BASE_URL: 'https://id.example.gov.cn//', HOST: '::1', PORT: '9090' }, 'https://id.example.gov.cn'],
  ])('%j → %s', (env, url) => {
    expect(demoBaseUrl(env)).toBe(url);
  });

  it('reads the tokens from IDENTITIES_FILE, else from identities.json in DATA_DIR, else in ./data', () => {
    expect(demoIdentitiesFile({ IDENTITIES_FILE: 'ids.json', DATA_DIR: '/srv/data' })).toBe(
      path.resolve('ids.json'),
    );
    expect(demoIdentitiesFile({ DATA_DIR: '/srv/data' })).toBe('/srv/data/identities.json');
    expect(demoIdentitiesFile({})).toBe(path.resolve('data/identities.json'));
  });
});
