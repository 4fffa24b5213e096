// Where `backfill demo` builds when nothing is configured, what it honours when something is, and
// the block it prints for a newcomer.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { demoLocation, restartCommand, restartPort, shortPath } from '../../../server/demo/demo-location.ts';
import { loginBlock } from '../../../server/demo/demo-text.ts';

describe('where the demo goes', () => {
  it('uses a database and folder of its own when neither DATABASE_URL nor DATA_DIR is set', () => {
    assert.deepEqual(demoLocation({}), { databaseUrl: 'sqlite:data/demo/backfill.sqlite', dataDir: './data/demo', own: true });
    assert.deepEqual(demoLocation({ DATABASE_URL: ' ', DATA_DIR: '' }), demoLocation({}), 'empty values count as unset');
  });

  it('puts its SQLite file inside a DATA_DIR it is given', () => {
    assert.deepEqual(demoLocation({ DATA_DIR: '/srv/demo' }), { databaseUrl: 'sqlite:/srv/demo/backfill.sqlite', dataDir: '/srv/demo', own: true });
  });

  it('honours DATABASE_URL, with DATA_DIR or the app’s default ./data', () => {
    assert.deepEqual(demoLocation({ DATABASE_URL: 'mysql://root:pw@db:3306/demo' }), {
      databaseUrl: 'mysql://root:pw@db:3306/demo',
      dataDir: './data',
      own: false,
    });
    assert.equal(demoLocation({ DATABASE_URL: 'sqlite:/x.sqlite', DATA_DIR: '/y' }).dataDir, '/y');
  });

  it('says how to start it again, relative to the working folder and never with a password', () => {
    assert.equal(
      restartCommand(demoLocation({}), '/work/app', 3000),
      'PORT=3000 DATABASE_URL=sqlite:./data/demo/backfill.sqlite DATA_DIR=./data/demo npm start',
    );
    assert.equal(
      restartCommand(demoLocation({ DATA_DIR: '/tmp/my demo' }), '/work/app', 8080),
      "PORT=8080 DATABASE_URL='sqlite:/tmp/my demo/backfill.sqlite' DATA_DIR='/tmp/my demo' npm start",
    );
    const mysql = restartCommand(demoLocation({ DATABASE_URL: 'mysql://root:secret@db/demo' }), '/work/app', 3000);
    assert.doesNotMatch(mysql, /secret/);
    assert.match(mysql, /^PORT=3000 DATA_DIR=\.\/data npm start {3}\(with DATABASE_URL set as it is now\)$/);
    // A demo asked to listen on a random port (PORT=0) is started again on the default one.
    assert.equal(restartPort(0), 3000);
    assert.equal(restartPort(8080), 8080);
    assert.equal(shortPath('/elsewhere/x', '/work/app'), '/elsewhere/x');
    assert.equal(shortPath('/work/app', '/work/app'), '.');
  });
});

describe('what the demo prints', () => {
  const logins = [
    { role: 'secas' as const, email: 'secas@example.org', password: 'pw-secas-123456789' },
    { role: 'panel' as const, email: 'panel@example.org', password: 'pw-panel-123456789' },
    { role: 'dcc' as const, email: 'dcc@example.org', password: 'pw-dcc-1234567890' },
  ];
  const block = {
    logins,
    apiToken: 'bfm_token123',
    database: 'sqlite:./data/demo/backfill.sqlite',
    dataDir: './data/demo',
    restart: 'PORT=3000 DATABASE_URL=sqlite:./data/demo/backfill.sqlite DATA_DIR=./data/demo npm start',
    scheduler: true,
    lastSnapshot: '2019-12-26',
  };

  it('gives the URL, one line per role with its e-mail and password, and the token', () => {
    const text = loginBlock({ ...block, url: 'http://127.0.0.1:3000' });
    assert.match(text, /running at http:\/\/127\.0\.0\.1:3000\n/);
    assert.match(text, /^ {4}SECAS {6}secas@example\.org {3}pw-secas-123456789$/m);
    assert.match(text, /^ {4}SEC Panel {2}panel@example\.org {3}pw-panel-123456789$/m);
    assert.match(text, /^ {4}DCC {8}dcc@example\.org {5}pw-dcc-1234567890$/m);
    assert.match(text, /^ {4}bfm_token123$/m);
    assert.match(text, /curl -H "Authorization: Bearer bfm_token123" http:\/\/127\.0\.0\.1:3000\/api\/v1\/progress/);
    assert.match(text, /catches up the monthly reports missed since the[\s\S]*up to twelve, oldest first[\s\S]*as of 2019-12-26/);
    assert.match(text, /Start it again with: {2}PORT=3000 DATABASE_URL=sqlite:\.\/data\/demo\/backfill\.sqlite DATA_DIR=\.\/data\/demo npm start/);
  });

  it('says when the server was not started, or runs without the scheduler', () => {
    const built = loginBlock({ ...block, url: null });
    assert.match(built, /The demo is built \(the server was not started\)/);
    assert.doesNotMatch(built, /Ctrl\+C|scheduler/);
    assert.match(loginBlock({ ...block, url: 'http://h:1', scheduler: false }), /The scheduler is off \(--no-scheduler\)/);
  });
});
