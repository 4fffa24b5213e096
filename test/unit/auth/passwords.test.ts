import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generatePassword, hashPassword, passwordProblem, verifyPassword } from '../../../server/auth/passwords.ts';

describe('passwords', () => {
  it('verifies the password it hashed and nothing else', async () => {
    const hash = await hashPassword('correct horse battery staple');
    assert.match(hash, /^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    assert.equal(await verifyPassword('correct horse battery staple', hash), true);
    assert.equal(await verifyPassword('correct horse battery stapl', hash), false);
    assert.equal(await verifyPassword('', hash), false);
  });

  it('salts every hash', async () => {
    assert.notEqual(await hashPassword('same password twice'), await hashPassword('same password twice'));
  });

  it('rejects a stored value that is not an scrypt hash', async () => {
    assert.equal(await verifyPassword('anything', 'plaintext'), false);
  });

  it('generates long random passwords that pass the policy', () => {
    const a = generatePassword();
    assert.equal(a.length, 24);
    assert.notEqual(a, generatePassword());
    assert.equal(passwordProblem(a), null);
    assert.match(passwordProblem('short') ?? '', /at least 12 characters/);
  });
});
