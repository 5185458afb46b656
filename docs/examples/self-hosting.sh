# From a checkout of Proofline (`pnpm install` done) to a production server, with the CLI only.
# Before: a Redis with `appendonly yes` and `maxmemory-policy noeviction` at $REDIS_URL, the public
# URL of the server in $PUBLIC_URL, and your Twilio account in $TWILIO_ACCOUNT_SID,
# $TWILIO_AUTH_TOKEN and $TWILIO_FROM.
set -euo pipefail
CONFIG_DIR="${CONFIG_DIR:-/etc/proofline}"
mkdir -p "$CONFIG_DIR"

# 1. SERVER_SECRET, DATA_KEY, METRICS_TOKEN and a signing key, in an environment file.
pnpm -s proofline secrets generate > "$CONFIG_DIR/proofline.env"
pnpm -s proofline keys generate >> "$CONFIG_DIR/proofline.env"
chmod 600 "$CONFIG_DIR/proofline.env"

# 2. Your site: prints its site key and, once, its secret key (for your backend).
pnpm -s proofline sites create --name "Shop" --origin https://shop.example.com \
  --config "$CONFIG_DIR/sites.json"

# 3. Production settings.
cat >> "$CONFIG_DIR/proofline.env" <<ENV
NODE_ENV=production
PROOFLINE_CONFIG=$CONFIG_DIR/sites.json
REDIS_URL=$REDIS_URL
PUBLIC_URL=$PUBLIC_URL
TWILIO_ACCOUNT_SID=$TWILIO_ACCOUNT_SID
TWILIO_AUTH_TOKEN=$TWILIO_AUTH_TOKEN
TWILIO_FROM=$TWILIO_FROM
ENV

# 4. Check everything, then start.
pnpm -s proofline doctor --env-file "$CONFIG_DIR/proofline.env"
set -a
. "$CONFIG_DIR/proofline.env"
set +a
exec pnpm --filter @proofline/server start
