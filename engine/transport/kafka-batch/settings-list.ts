import type { ClientSettingValue } from '../client-settings.js';

/** librdkafka settings as the addon takes them: [key, value, key, value, …], values as text. */
export function settingsList(settings: Readonly<Record<string, ClientSettingValue>>): string[] {
  return Object.entries(settings).flatMap(([key, value]) => [key, String(value)]);
}
