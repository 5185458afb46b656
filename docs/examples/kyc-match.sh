# Do the customer's details match the operator's records? Answers per field and a decision.
curl -s "$PROOFLINE_URL/v1/phone/kyc-match" \
  -H "Authorization: Bearer $PROOFLINE_SECRET" -H 'Content-Type: application/json' \
  -d '{"phone": "+447400123456", "given_name": "Ana", "family_name": "García", "birthdate": "1990-04-12"}'
