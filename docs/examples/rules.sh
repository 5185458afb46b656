# A rule: a VoIP number that has not proved itself by code must get a code, even on mobile data.
curl -s "$PROOFLINE_URL/v1/workflows/rules" \
  -H "Authorization: Bearer $PROOFLINE_SECRET" -H 'Content-Type: application/json' \
  -d '{
    "rule_id": "voip-needs-otp",
    "trigger": "verification_started",
    "conditions": {"all": [
      {"field": "phone_type", "operator": "eq", "value": "voip"},
      {"field": "phone_otp_verified", "operator": "eq", "value": false}
    ]},
    "actions": [{"type": "require_otp"}]
  }'
