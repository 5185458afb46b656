# Line type, carrier, location and risk of a number, before sending anything.
curl -s "$PROOFLINE_URL/v1/phone/lookup" \
  -H "Authorization: Bearer $PROOFLINE_SECRET" -H 'Content-Type: application/json' \
  -d '{"phone": "+447400123456", "applicant_country": "GB"}'
