/**
 * The Lua scripts behind every read-then-write of the Redis store. A script runs atomically on the
 * server, so each of these is one round trip with no race. Every key a script touches arrives in
 * KEYS (already prefixed by the store), never in ARGV, so Redis Cluster routes it and ioredis-style
 * prefixing could not miss it. An empty string in ARGV means "no TTL".
 */

type ScriptDefinition = { lua: string; numberOfKeys?: number };

/**
 * The compare of a compare-and-set, shared by the scripts that make one: returns 0 unless KEYS[1]
 * holds ARGV[2] (ARGV[1] = '1') or is absent (ARGV[1] = '0').
 */
const expectCurrent = `local current = redis.call('GET', KEYS[1])
if ARGV[1] == '1' then
  if current ~= ARGV[2] then return 0 end
elseif current then
  return 0
end
`;

/** KEYS[1]; ARGV: hasExpected ('1'|'0'), expected, next, ttlMs. Without a TTL the old one is kept. */
const compareAndSet: ScriptDefinition = {
  numberOfKeys: 1,
  lua: `
${expectCurrent}if ARGV[4] == '' then
  redis.call('SET', KEYS[1], ARGV[3], 'KEEPTTL')
else
  redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[4])
end
return 1`,
};

/** KEYS[1]; ARGV: expected. */
const compareAndDelete: ScriptDefinition = {
  numberOfKeys: 1,
  lua: `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`,
};

/** KEYS[1]; ARGV: value, ttlMs. Answers the value already there, or nil after writing. */
const setIfAbsentOrGet: ScriptDefinition = {
  numberOfKeys: 1,
  lua: `
local current = redis.call('GET', KEYS[1])
if current then return current end
if ARGV[2] == '' then
  redis.call('SET', KEYS[1], ARGV[1])
else
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
end
return false`,
};

/** KEYS[1]; ARGV: by, ttlMs. The TTL is set only when this call creates the counter. */
const increment: ScriptDefinition = {
  numberOfKeys: 1,
  lua: `
local created = redis.call('EXISTS', KEYS[1]) == 0
local total = redis.call('INCRBY', KEYS[1], ARGV[1])
if created and ARGV[2] ~= '' then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return total`,
};

/**
 * KEYS: value, counter; ARGV: ttlMs, guess mode ('' none, 'inline', 'report'), guess hash, now,
 * window ms, key prefix, then field, expected pairs the JSON value must hold. Answers {value, new
 * count}, or {nil, 0} without writing when the value is absent or not owned. With a guess on an
 * open record naming its wrong-code counter (see the port's `Guess`), 'inline' also counts a wrong
 * code on that counter (or reads it for a right one) and answers {value, count, matched, counter,
 * ms left}; 'report' (Cluster: the counter is in another slot) answers {value, count, matched,
 * counter key} for the adapter to tally next. Reading a key named by a value, not given in KEYS,
 * is what makes this one step; Redis allows it off Cluster, and the key gets the store's prefix.
 * Equal hashes compare as interned Lua strings; the hash is an HMAC of the guessed code keyed by
 * the server secret, so no guess can aim at the stored one, and the server compares again in
 * constant time before it approves.
 */
const getAndIncrement: ScriptDefinition = {
  numberOfKeys: 2,
  lua: `
local value = redis.call('GET', KEYS[1])
if not value then return {false, 0} end
local record
if #ARGV > 6 or ARGV[2] ~= '' then
  local ok, decoded = pcall(cjson.decode, value)
  if ok and type(decoded) == 'table' then record = decoded
  elseif #ARGV > 6 then return {false, 0} end
end
for i = 7, #ARGV, 2 do
  if record[ARGV[i]] ~= ARGV[i + 1] then return {false, 0} end
end
local created = redis.call('EXISTS', KEYS[2]) == 0
local total = redis.call('INCRBY', KEYS[2], 1)
if created and ARGV[1] ~= '' then redis.call('PEXPIRE', KEYS[2], ARGV[1]) end
if ARGV[2] == '' or not record then return {value, total} end
local tally, expiresAt, maxAttempts = record.wrongCodesKey, record.expiresAt, record.maxAttempts
if type(tally) ~= 'string' or record.status ~= 'pending' then return {value, total} end
if type(expiresAt) ~= 'number' or expiresAt <= tonumber(ARGV[4]) then return {value, total} end
if type(maxAttempts) ~= 'number' or total > maxAttempts then return {value, total} end
local matched = 0
if type(record.codeHashes) == 'table' then
  for _, hash in ipairs(record.codeHashes) do
    if hash == ARGV[3] then matched = 1 end
  end
end
if ARGV[2] == 'report' then return {value, total, matched, tally} end
local key = ARGV[6] .. tally
local count
if matched == 1 then
  count = tonumber(redis.call('GET', key) or '0')
else
  count = redis.call('INCR', key)
  if count == 1 then redis.call('PEXPIRE', key, ARGV[5]) end
end
return {value, total, matched, count, redis.call('PTTL', key)}`,
};

/**
 * The second step of a guess on Cluster: KEYS[1] the wrong-code counter; ARGV: matched ('1'|'0'),
 * window ms. Counts a wrong code (TTL on creation) or reads the counter; answers {count, ms left}.
 */
const tallyGuess: ScriptDefinition = {
  numberOfKeys: 1,
  lua: `
local count
if ARGV[1] == '1' then
  count = tonumber(redis.call('GET', KEYS[1]) or '0')
else
  count = redis.call('INCR', KEYS[1])
  if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
end
return {count, redis.call('PTTL', KEYS[1])}`,
};

/**
 * KEYS: the limits' counters, then the keys expected to hold a value; ARGV: the number of limits,
 * then max, windowMs, cost per limit, then hasExpected ('1'|'0'), expected per expected key.
 * Answers {-1, 0, value...} with the values found when one expected key holds something else
 * (nothing is taken), {index of the first full limit, its ms left}, or {0, 0} when every limit had
 * room (then each is charged its cost).
 */
const consumeLimits: ScriptDefinition = {
  lua: `
local n = tonumber(ARGV[1])
local found, changed = {}, false
for j = n + 1, #KEYS do
  local at = 2 + 3 * n + 2 * (j - n - 1)
  local current = redis.call('GET', KEYS[j])
  found[#found + 1] = current
  if (ARGV[at] == '1' and current ~= ARGV[at + 1]) or (ARGV[at] == '0' and current) then changed = true end
end
if changed then return {-1, 0, unpack(found)} end
for i = 1, n do
  local used = tonumber(redis.call('GET', KEYS[i]) or '0')
  if used + 1 > tonumber(ARGV[3 * i - 1]) then
    return {i, redis.call('PTTL', KEYS[i])}
  end
end
for i = 1, n do
  if ARGV[3 * i + 1] == '1' and redis.call('INCR', KEYS[i]) == 1 then
    redis.call('PEXPIRE', KEYS[i], ARGV[3 * i])
  end
end
return {0, 0}`,
};

/** KEYS[1]; ARGV: ttlMs, member... Answers how many members were new. */
const setAdd: ScriptDefinition = {
  numberOfKeys: 1,
  lua: `
local created = redis.call('EXISTS', KEYS[1]) == 0
local added = redis.call('SADD', KEYS[1], unpack(ARGV, 2))
if created and ARGV[1] ~= '' then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return added`,
};

/** KEYS[1]; ARGV: ttlMs, score, member, score, member... */
const sortedAdd: ScriptDefinition = {
  numberOfKeys: 1,
  lua: `
local created = redis.call('EXISTS', KEYS[1]) == 0
redis.call('ZADD', KEYS[1], unpack(ARGV, 2))
if created and ARGV[1] ~= '' then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return 0`,
};

/**
 * Several operations at once, in order. A script rather than MULTI because the TTL-on-create writes
 * must read whether the key exists, which a MULTI cannot do without a script inside it.
 * KEYS: one key per operation; ARGV per operation: op, ttlMs, n, then n values. Answers one number
 * per operation: what `sortedCount` counted and `sortedRemoveRange` removed, else 0.
 */
const batch: ScriptDefinition = {
  lua: `
local at = 1
local results = {}
for k = 1, #KEYS do
  local key, op, ttl, n = KEYS[k], ARGV[at], ARGV[at + 1], tonumber(ARGV[at + 2])
  local first = at + 3
  at = first + n
  local result = 0
  if op == 'set' then
    if ttl == '' then redis.call('SET', key, ARGV[first])
    else redis.call('SET', key, ARGV[first], 'PX', ttl) end
  elseif op == 'del' then
    redis.call('DEL', key)
  elseif op == 'sortedCount' then
    result = redis.call('ZCOUNT', key, ARGV[first], ARGV[first + 1])
  elseif op == 'sortedRemoveRange' then
    result = redis.call('ZREMRANGEBYSCORE', key, ARGV[first], ARGV[first + 1])
  else
    local created = redis.call('EXISTS', key) == 0
    if op == 'increment' then
      redis.call('INCRBY', key, ARGV[first])
    elseif op == 'setAdd' then
      redis.call('SADD', key, unpack(ARGV, first, at - 1))
    else
      redis.call('ZADD', key, ARGV[first], ARGV[first + 1])
    end
    if created and ttl ~= '' then redis.call('PEXPIRE', key, ttl) end
  end
  results[k] = result
end
return results`,
};

/** Queue keys: KEYS[1] the payload hash, KEYS[2] the due-time sorted set (one hash tag). */
const queuePut: ScriptDefinition = {
  numberOfKeys: 2,
  lua: `
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
return 1`,
};

/**
 * KEYS: the value, the queue's payload hash, its due-time sorted set. ARGV: hasExpected, expected,
 * next, ttlMs, id, payload, dueAt. Redis does not roll a script back, so every write that can fail
 * (a queue key of the wrong type) is made first and undone if the next one fails; the value is
 * written last. Answers 1 when both were written, 0 when the value had changed.
 */
const compareAndSetAndEnqueue: ScriptDefinition = {
  numberOfKeys: 3,
  lua: `
${expectCurrent}local queued = redis.pcall('HSET', KEYS[2], ARGV[5], ARGV[6])
if type(queued) == 'table' and queued.err then return redis.error_reply(queued.err) end
local due = redis.pcall('ZADD', KEYS[3], ARGV[7], ARGV[5])
if type(due) == 'table' and due.err then
  redis.call('HDEL', KEYS[2], ARGV[5])
  return redis.error_reply(due.err)
end
if ARGV[4] == '' then
  redis.call('SET', KEYS[1], ARGV[3], 'KEEPTTL')
else
  redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[4])
end
return 1`,
};

const queueAck: ScriptDefinition = {
  numberOfKeys: 2,
  lua: `
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return 1`,
};

/**
 * ARGV: now, leaseUntil, limit. Takes the due items and pushes their due time to the end of the
 * lease in the same step, so two workers never claim one item and a crashed worker's items return.
 * Answers a flat list id, payload, id, payload...
 */
const queueClaim: ScriptDefinition = {
  numberOfKeys: 2,
  lua: `
local ids = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, ARGV[3])
local claimed = {}
for _, id in ipairs(ids) do
  local payload = redis.call('HGET', KEYS[1], id)
  if payload then
    redis.call('ZADD', KEYS[2], ARGV[2], id)
    claimed[#claimed + 1] = id
    claimed[#claimed + 1] = payload
  else
    redis.call('ZREM', KEYS[2], id)
  end
end
return claimed`,
};

export const scripts = {
  compareAndSet,
  compareAndDelete,
  setIfAbsentOrGet,
  increment,
  getAndIncrement,
  tallyGuess,
  consumeLimits,
  setAdd,
  sortedAdd,
  batch,
  queuePut,
  compareAndSetAndEnqueue,
  queueAck,
  queueClaim,
} satisfies Record<string, ScriptDefinition>;

type Arg = string | number;

/** The commands ioredis's `defineCommand` adds for the scripts above, as the store calls them. */
export interface ScriptCommands {
  compareAndSet(key: string, ...args: Arg[]): Promise<number>;
  compareAndDelete(key: string, expected: string): Promise<number>;
  setIfAbsentOrGet(key: string, ...args: Arg[]): Promise<string | null>;
  increment(key: string, ...args: Arg[]): Promise<number>;
  getAndIncrement(
    valueKey: string,
    counterKey: string,
    ...args: Arg[]
  ): Promise<[string | null, number, number?, (number | string)?, number?]>;
  tallyGuess(counterKey: string, matched: '1' | '0', windowMs: Arg): Promise<[number, number]>;
  consumeLimits(keyCount: number, ...args: Arg[]): Promise<[number, number, ...(string | null)[]]>;
  setAdd(key: string, ...args: Arg[]): Promise<number>;
  sortedAdd(key: string, ...args: Arg[]): Promise<number>;
  batch(numberOfKeys: number, ...keysAndArgs: Arg[]): Promise<number[]>;
  queuePut(itemsKey: string, dueKey: string, ...args: Arg[]): Promise<number>;
  compareAndSetAndEnqueue(key: string, itemsKey: string, dueKey: string, ...args: Arg[]): Promise<number>;
  queueAck(itemsKey: string, dueKey: string, id: string): Promise<number>;
  queueClaim(itemsKey: string, dueKey: string, ...args: Arg[]): Promise<string[]>;
}
