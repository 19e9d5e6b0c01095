// Family-agnostic netlink: messages, attributes, errors and the socket client.
export * from './constants.js';
export * from './errors.js';
export * from './writer.js';
export * from './schema.js';
export * from './codecs.js';
export * from './inet.js';
export * from './message.js';
export * from './netns.js';
export * from './socket.js';
export * from './event-socket.js';
export * from './format-value.js';
export * from './fields.js';
