# Start a verification from your backend; Proofline sends the code (SMS, then WhatsApp if SMS fails).
curl -s "$PROOFLINE_URL/v1/phone/send-otp" \
  -H "Authorization: Bearer $PROOFLINE_SECRET" -H 'Content-Type: application/json' \
  -d '{"phone": "+447400123456", "workflow": [{"channel": "sms"}, {"channel": "whatsapp"}], "action": "login"}'
