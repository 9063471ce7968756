// Which OpenFaaS `topic` annotation values an event matches. A function subscribes with
// `topic: "VmPoweredOnEvent,VmPoweredOffEvent"`; the older OpenFaaS vCenter connector used
// dotted names (`vm.powered.on`), and `*` takes every event.

/** Subscribes a function to every event. */
export const everyEventTopic = '*';

/** The topics of one `topic` annotation: split on `,`, trimmed, empty entries dropped. */
export function parseTopicAnnotation(annotation: string | undefined): string[] {
  if (annotation === undefined) return [];
  const topics = annotation
    .split(',')
    .map((topic) => topic.trim())
    .filter((topic) => topic.length > 0);
  return [...new Set(topics)];
}

/**
 * Every topic that selects an event with this CloudEvent `subject`, best match first: the
 * subject itself, its dotted forms, then `*`. The first one a function subscribes to is the
 * one its X-Topic header names.
 */
export function topicsForSubject(subject: string): string[] {
  return [...new Set([subject, ...dottedTopics(subject), everyEventTopic])];
}

/**
 * The older connector's names for a vim25 event class: `VmPoweredOnEvent` -> `vm.powered.on`,
 * `DrsVmPoweredOnEvent` -> `drs.vm.powered.on`. For a class with an acronym
 * (`DVPortgroupCreatedEvent`) both `dv.portgroup.created` and the letter-by-letter
 * `d.v.portgroup.created` are accepted, because the connector's splitting is not recorded
 * well enough to pick one. An EventEx id (`com.vmware.vc.…`) is already dotted: none.
 */
export function dottedTopics(subject: string): string[] {
  if (!/^[A-Z][A-Za-z0-9]*$/.test(subject)) return [];
  const className = subject.replace(/Event$/, '');
  if (className.length === 0) return [];
  const byWord = className
    .replace(/([a-z0-9])([A-Z])/g, '$1.$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1.$2')
    .toLowerCase();
  const byCapital = className.replace(/(?!^)([A-Z])/g, '.$1').toLowerCase();
  return [...new Set([byWord, byCapital])];
}
