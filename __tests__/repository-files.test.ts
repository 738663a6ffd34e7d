// The files every published action ships, in place and saying what they must: the license
// package.json claims, a Marketplace-sized description, how to report a vulnerability and what
// happens to the token, Dependabot for both ecosystems, grouped.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { actionInterface } from '../scripts/workflow-blocks.mjs';
import { CREDENTIALS_MOUNT, TOKEN_USER } from '../src/build/credentials';
import { LOCK_NAME } from '../src/release-store';
import { projectRoot } from './support/runner';

const read = (p: string) => readFileSync(join(projectRoot, p), 'utf8');

describe('the repository of a published action', () => {
  it("action.yml's description fits the Marketplace's 125 characters", () => {
    const m = /^description:[ \t]*(.*)$/m.exec(read('action.yml'));
    expect(m?.[1]).toBeTruthy();
    const description = m![1]!.replace(/^(['"])(.*)\1$/, '$2');
    expect(description).not.toMatch(/^[>|]/); // one line: a folded block could hide its length
    expect(description.length).toBeLessThanOrEqual(125);
  });

  it('LICENSE is the MIT text that package.json claims', () => {
    expect(JSON.parse(read('package.json')).license).toBe('MIT');
    const license = read('LICENSE');
    expect(license).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} /);
    expect(license).toContain('Permission is hereby granted, free of charge, to any person obtaining a copy');
    expect(license).toContain('THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND');
  });

  it('SECURITY.md says how to report and what the action does with the token', () => {
    const security = read('SECURITY.md');
    expect(security).toMatch(/^## Reporting a vulnerability$/m);
    expect(security).toMatch(/^## What the action does with your token$/m);
    expect(security).toContain('github-token');
  });

  it("SECURITY.md describes every token input and the code's credentials folder, netrc line and lock", () => {
    const security = read('SECURITY.md');
    const tokenInputs = actionInterface(read('action.yml')).inputs.filter((i) => /token|netrc/.test(i));
    expect(tokenInputs).toEqual(['github-token', 'server-token', 'modules-token', 'netrc']);
    for (const input of tokenInputs) expect(security, input).toContain(`\`${input}\``);
    expect(security).toContain(`mounted read-only at \`${CREDENTIALS_MOUNT}\``);
    expect(security).toContain(`machine <host> login ${TOKEN_USER} password <token>`);
    expect(security).toContain(`\`${LOCK_NAME}\``);
    expect(security).toContain('(mode 0600)');
    // What it said before the code changed: never again.
    expect(security).not.toMatch(/never written to disk|deletes assets of the same names first/);
  });

  it('Dependabot updates npm and GitHub Actions, each in groups', () => {
    const dependabot = read('.github/dependabot.yml');
    expect(dependabot).toMatch(/^version: 2$/m);
    const entries = dependabot.split(/^ {2}- package-ecosystem: /m).slice(1);
    expect(entries.map((e) => e.split('\n')[0])).toEqual(['npm', 'github-actions']);
    for (const e of entries) expect(e).toMatch(/^ {4}groups:\n {6}[\w-]+:\n/m);
  });

  it('CHANGELOG.md is in Keep a Changelog form, Unreleased first', () => {
    const changelog = read('CHANGELOG.md');
    expect(changelog).toMatch(/^# Changelog\n/);
    expect(changelog).toContain('[Keep a Changelog](https://keepachangelog.com/');
    const sections = [...changelog.matchAll(/^## (.*)$/gm)].map((m) => m[1]!);
    expect(sections[0]).toBe('[Unreleased]');
    for (const s of sections.slice(1)) expect(s).toMatch(/^\[\d+\.\d+\.\d+(-[\w.]+)?\] - \d{4}-\d\d-\d\d$/);
    for (const h of changelog.matchAll(/^### (.*)$/gm))
      expect(['Added', 'Changed', 'Deprecated', 'Removed', 'Fixed', 'Security']).toContain(h[1]);
  });

  it('a scheduled workflow is a file of its own (GitHub disables the whole file after 60 quiet days)', () => {
    const dir = join(projectRoot, '.github/workflows');
    const scheduled = readdirSync(dir).filter((f) => /^ {2}schedule:/m.test(read(`.github/workflows/${f}`)));
    expect(scheduled).toEqual(['self-test-weekly.yml']);
    for (const f of scheduled)
      expect(read(`.github/workflows/${f}`)).not.toMatch(/^ {2}(push|pull_request):/m);
  });

  it('the workflows are in place', () => {
    for (const f of ['ci.yml', 'release.yml', 'self-test.yml'])
      expect(existsSync(join(projectRoot, '.github/workflows', f)), f).toBe(true);
  });
});
