import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from '../config/config.js';
import { crisisLabel, screenWith, type WatchedWord } from './watched-words.service.js';

const word = (pattern: string, action: WatchedWord['action'] = 'crisis'): WatchedWord => ({ id: pattern, pattern, action, createdAt: '2026-01-01T00:00:00.000Z' });

describe('safety settings', () => {
  it('defaults to safety mode while nobody is on duty, four-hour shifts and no hold for new members', () => {
    expect(loadConfig({})).toMatchObject({ safetyMode: 'auto', dutyShiftHours: 4, safetyHoldNewDays: 0 });
    expect(loadConfig({ SAFETY_MODE: 'ON', DUTY_SHIFT_HOURS: '0.5', SAFETY_HOLD_NEW_DAYS: '7' })).toMatchObject({ safetyMode: 'on', dutyShiftHours: 0.5, safetyHoldNewDays: 7 });
  });

  it.each([
    [{ SAFETY_MODE: 'sometimes' }, 'SAFETY_MODE'],
    [{ DUTY_SHIFT_HOURS: '0' }, 'DUTY_SHIFT_HOURS'],
    [{ DUTY_SHIFT_HOURS: '25' }, 'DUTY_SHIFT_HOURS'],
    [{ SAFETY_HOLD_NEW_DAYS: '-1' }, 'SAFETY_HOLD_NEW_DAYS'],
    [{ SAFETY_HOLD_NEW_DAYS: 'a week' }, 'SAFETY_HOLD_NEW_DAYS'],
  ])('refuses %j naming %s', (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`${name} must`));
  });
});

describe('crisis labels', () => {
  it.each([
    ['kill myself', 'suicide'],
    ['end my life', 'suicide'],
    ['want to die', 'suicide'],
    ['suicidal', 'suicide'],
    ['no reason to live', 'suicide'],
    ['take my own life', 'suicide'],
    ['self harm', 'self-harm'],
    ['self-harm', 'self-harm'],
    ['hurt myself', 'self-harm'],
    ['cutting myself', 'self-harm'],
    ['nobody would notice', 'distress'],
  ])('labels "%s" as %s', (pattern, label) => {
    expect(crisisLabel(pattern)).toBe(label);
  });

  it('takes the label of a crisis phrase that matched, evasions included, and none without one', () => {
    const words = [word('hurt myself'), word('casino', 'hold')];
    expect(screenWith(words, ['Some nights I want to HURT\u200B MYSELF.'])).toMatchObject({ crisis: true, crisisLabel: 'self-harm' });
    expect(screenWith(words, ['A casino night.'])).toMatchObject({ crisis: false, crisisLabel: null, hold: true });
  });
});
