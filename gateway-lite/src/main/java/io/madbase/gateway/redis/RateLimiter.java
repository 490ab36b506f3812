package io.madbase.gateway.redis;

import io.madbase.gateway.project.ProjectConfig;
import java.time.Clock;

/**
 * A fixed-window rate limit per project and minute, counted in Redis so every gateway shares it.
 * Without Redis the request is let through (counted as a fallback): a Redis outage never fails a
 * request.
 */
public final class RateLimiter {
  static final String KEY_PREFIX = "madbase:ratelimit:";
  private final RedisAccess redis;
  private final Clock clock;

  public RateLimiter(RedisAccess redis, Clock clock) {
    this.redis = redis;
    this.clock = clock;
  }

  /** Whether {@code project} may make one more request this minute. */
  public boolean allow(ProjectConfig project) {
    if (project.rateLimitPerMinute() <= 0) {
      return true;
    }
    String key = KEY_PREFIX + project.ref() + ":" + clock.millis() / 60_000;
    return redis
        .call(
            "rate_limit",
            r -> {
              long n = r.incr(key);
              if (n == 1) {
                r.pexpire(key, 61_000);
              }
              return n <= project.rateLimitPerMinute();
            })
        .orElse(true);
  }
}
