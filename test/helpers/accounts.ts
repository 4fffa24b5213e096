// One account per role (secas@example.org, panel@example.org, dcc@example.org), and a logged-in
// browser-like client for each.
import assert from 'node:assert/strict';
import type { Knex } from 'knex';
import { addAccount } from '../../server/auth/accounts.ts';
import { ROLES, type Role } from '../../server/auth/roles.ts';
import { TestClient } from './http-client.ts';

export const ROLE_PASSWORD = 'a role password 123';

export const emailOf = (role: Role): string => `${role}@example.org`;

export async function addRoleAccounts(knex: Knex, password = ROLE_PASSWORD): Promise<void> {
  for (const role of ROLES) await addAccount(knex, { email: emailOf(role), role, password }, { kind: 'system', name: 'test' });
}

export async function loggedInClients(baseUrl: string, password = ROLE_PASSWORD): Promise<Map<Role, TestClient>> {
  const clients = new Map<Role, TestClient>();
  for (const role of ROLES) {
    const client = new TestClient(baseUrl);
    assert.equal((await client.login(emailOf(role), password)).status, 303, `${role} logs in`);
    clients.set(role, client);
  }
  return clients;
}
