/**
 * Which input a server message is about. Schema messages start with the JSON path of the fault
 * ("body/brain/llm/baseUrl must be …", "body/allowedOrigins/3 must match …"); the route's own checks name the field
 * dotted ("voices.en_US: the voice …", "defaultLanguage \"x\" must be …"). The deepest path with an input wins.
 */
export function fieldOfMessage(message: string, hasField: (name: string) => boolean): string {
  const schemaPath = /^body\/(\S+?)\s/.exec(message)?.[1].split('/');
  const dotted = /^([A-Za-z][\w.]*)[:\s]/.exec(message)?.[1].split('.');
  const path = (schemaPath ?? dotted ?? []).filter((segment) => !/^\d+$/.test(segment));
  for (let length = path.length; length > 0; length--) {
    const name = path.slice(0, length).join('.');
    if (hasField(name)) return name;
  }
  return '';
}
