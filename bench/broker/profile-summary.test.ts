import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { summarizeProfile } from './profile-summary.js';

const dir = mkdtempSync(join(tmpdir(), 'rivulet-profile-summary-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('summarizeProfile', () => {
  it('finds the function a real profiled process spent its time in, and how busy it was', () => {
    const script = join(dir, 'busy.mjs');
    // ~300 ms of one hot function, then ~300 ms asleep: about half the wall time busy.
    writeFileSync(
      script,
      `function spinHot(ms) { const end = Date.now() + ms; let x = 0; while (Date.now() < end) x += Math.sqrt(x + 1); return x; }
       spinHot(300);
       setTimeout(() => {}, 300);`,
    );
    execFileSync(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, script]);
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))!;
    const summary = summarizeProfile(join(dir, file));

    expect(summary.topFunctions[0]?.fn).toMatch(/^spinHot \(.*busy\.mjs\)$/);
    expect(summary.topFunctions[0]!.share).toBeGreaterThan(0.5);
    expect(summary.busyShare).toBeGreaterThan(0.25);
    expect(summary.busyShare).toBeLessThan(0.9);
    const shares = summary.parts.reduce((sum, p) => sum + p.share, 0);
    expect(shares).toBeCloseTo(1, 6);

    // The window from the first to the last sample inside spinHot leaves the sleep out.
    const hot = summarizeProfile(join(dir, file), { inWindow: (f) => f.functionName === 'spinHot' });
    expect(hot.windowMs).toBeGreaterThan(200);
    expect(hot.windowMs).toBeLessThan(summary.windowMs - 200);
    expect(hot.busyShare).toBeGreaterThan(0.9);
  });
});
