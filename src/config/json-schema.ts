// The configuration's JSON Schema, for editors (YAML language servers read it).
import { z } from 'zod';
import { ConfigFileSchema } from './schema.ts';

export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(ConfigFileSchema, { io: 'input' }),
    title: 'Sigil configuration',
  };
}
