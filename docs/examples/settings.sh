# Change a few settings; the answer is the full settings object.
curl -s -X PUT "$PROOFLINE_URL/v1/settings/phone-verification" \
  -H "Authorization: Bearer $PROOFLINE_SECRET" -H 'Content-Type: application/json' \
  -d '{"channels": ["sms", "voice"], "code_length": 6, "block_voip": true, "allowed_countries": ["GB", "FR", "DE"]}'
