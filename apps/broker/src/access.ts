import type { AedesOptions, AuthenticateError } from 'aedes'
import { filterCovers, topicMatches } from './filters'

/** Who may connect, subscribe and publish. Everything is allowed by default. */
export interface AccessOptions {
  /**
   * User name to password. When given, anonymous clients are refused
   * (CONNACK 5, not authorized) and a wrong password gets CONNACK 4
   * (bad user name or password).
   */
  users?: Record<string, string>
  /**
   * Topic filters nobody may subscribe to: a SUBSCRIBE for a filter covered
   * by one of these gets SUBACK 0x80 for that filter (others in the same
   * packet are granted). `secret/#` denies `secret/#`, `secret/+`, `secret/x`.
   */
  denySubscribe?: string[]
  /**
   * Topic filters nobody may publish to. aedes closes the connection of a
   * client that publishes there (MQTT 3.1.1 has no way to say no).
   */
  denyPublish?: string[]
}

function authError(message: string, returnCode: 4 | 5): AuthenticateError {
  return Object.assign(new Error(message), { returnCode }) as AuthenticateError
}

/** aedes hooks (authenticate, authorizeSubscribe, authorizePublish) enforcing `access`. */
export function accessHooks(access: AccessOptions): Partial<AedesOptions> {
  const hooks: Partial<AedesOptions> = {}
  const { users, denySubscribe = [], denyPublish = [] } = access
  if (users) {
    hooks.authenticate = (_client, username, password, done) => {
      if (username === undefined) return done(authError('anonymous clients are not allowed', 5), false)
      const expected = users[username]
      if (expected === undefined || password === undefined || password.toString('utf8') !== expected) {
        return done(authError('bad user name or password', 4), false)
      }
      done(null, true)
    }
  }
  if (denySubscribe.length > 0) {
    hooks.authorizeSubscribe = (_client, sub, done) => {
      const denied = denySubscribe.some((rule) => filterCovers(rule, sub.topic))
      done(null, denied ? null : sub)
    }
  }
  if (denyPublish.length > 0) {
    hooks.authorizePublish = (_client, packet, done) => {
      if (packet.topic.startsWith('$SYS/')) return done(new Error('$SYS/ topic is reserved'))
      const denied = denyPublish.some((rule) => topicMatches(rule, packet.topic))
      done(denied ? new Error(`publishing to ${packet.topic} is not allowed`) : null)
    }
  }
  return hooks
}
