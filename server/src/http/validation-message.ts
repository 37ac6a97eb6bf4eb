/**
 * Schema errors in words a developer can act on: where the fault is (query, params or body, and the field) and what
 * is allowed, e.g. "body/question must be a string of at most 500 characters" or
 * "query/mode must be one of "append", "replace"". Built from ajv's errors (ajv runs with `verbose`, so each error
 * carries the schema it broke).
 */
import type { FastifySchemaValidationError } from 'fastify';

type Schema = Record<string, unknown>;

interface AjvError extends FastifySchemaValidationError {
  parentSchema?: Schema;
}

/** How the message names each part of a request. */
const PART_NAMES: Record<string, string> = { body: 'body', querystring: 'query', params: 'params', headers: 'headers' };

export function validationMessage(errors: readonly FastifySchemaValidationError[], context: string | undefined): string {
  const part = PART_NAMES[context ?? ''] ?? context ?? 'request';
  const error = mostTelling(errors as readonly AjvError[]);
  if (!error) return `${part} is not valid.`;
  const where = `${part}${error.instancePath}`;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return `${where}/${String(params.missingProperty)} is required.`;
    case 'additionalProperties': {
      const allowed = Object.keys((error.parentSchema?.properties as Schema | undefined) ?? {});
      const list = allowed.length ? ` (allowed: ${allowed.join(', ')})` : '';
      return `${where} has an unknown field "${String(params.additionalProperty)}"${list}.`;
    }
    case 'enum':
      return `${where} must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}.`;
    case 'const':
      return `${where} must be ${JSON.stringify(params.allowedValue)}.`;
    case 'pattern':
      return `${where} must be ${describe(error.parentSchema)} matching ${String(params.pattern)}.`;
    case 'format':
      return `${where} must be ${describe(error.parentSchema)} in the format ${String(params.format)}.`;
    case 'type':
    case 'minLength':
    case 'maxLength':
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
    case 'minItems':
    case 'maxItems':
    case 'multipleOf':
      return `${where} must be ${describe(error.parentSchema, String(params.type ?? ''))}.`;
    case 'uniqueItems':
      return `${where} must not list the same item twice.`;
    case 'minProperties':
      return `${where} must name at least ${String(params.limit)} field(s).`;
    default:
      return `${where} ${error.message ?? 'is not valid'}.`;
  }
}

/**
 * The error to report. Under a `oneOf`/`anyOf` (a robot's brain: one branch per `type`), ajv reports every branch's
 * first failure; the telling one is from the branch whose `type` matched, i.e. not a `const` failure.
 */
function mostTelling(errors: readonly AjvError[]): AjvError | undefined {
  const specific = errors.filter((error) => error.keyword !== 'oneOf' && error.keyword !== 'anyOf' && error.keyword !== 'if');
  const branchErrors = specific.filter((error) => /\/(oneOf|anyOf)\/\d+\//.test(error.schemaPath));
  if (branchErrors.length && branchErrors.length === specific.length) {
    const notDiscriminator = branchErrors.filter((error) => error.keyword !== 'const');
    return notDiscriminator[0] ?? branchErrors[0];
  }
  return specific[0] ?? errors[0];
}

/** "a string of at most 500 characters", "an integer from 0 to 1024", "a list of at most 20 items", … */
function describe(schema: Schema | undefined, fallbackType = ''): string {
  const type = typeof schema?.type === 'string' ? schema.type : fallbackType.split(',')[0] || 'value';
  const n = (key: string) => (typeof schema?.[key] === 'number' ? (schema[key] as number) : undefined);
  switch (type) {
    case 'string':
      return `a string${range(n('minLength'), n('maxLength'), 'character')}`;
    case 'array':
      return `a list${range(n('minItems'), n('maxItems'), 'item')}`;
    case 'integer':
    case 'number': {
      const min = n('minimum') ?? n('exclusiveMinimum');
      const max = n('maximum') ?? n('exclusiveMaximum');
      const noun = type === 'integer' ? 'an integer' : 'a number';
      if (min !== undefined && max !== undefined) return `${noun} from ${min} to ${max}`;
      if (min !== undefined) return `${noun} of at least ${min}`;
      if (max !== undefined) return `${noun} of at most ${max}`;
      return noun;
    }
    case 'object':
      return 'an object';
    case 'boolean':
      return 'true or false';
    default:
      return `a${/^[aeiou]/.test(type) ? 'n' : ''} ${type}`;
  }
}

function range(min: number | undefined, max: number | undefined, unit: string): string {
  const plural = (count: number) => `${count} ${unit}${count === 1 ? '' : 's'}`;
  if (min !== undefined && min > 0 && max !== undefined) return ` of ${min} to ${plural(max)}`;
  if (max !== undefined) return ` of at most ${plural(max)}`;
  if (min !== undefined && min > 0) return ` of at least ${plural(min)}`;
  return '';
}
