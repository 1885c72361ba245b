// The endpoint path and the token flow are NOT in our sources: they are configuration.
import { clientCredentialsAuth } from '@lienthong/core';
import {
  createInsuranceGatewayClient,
  createInsuranceGatewayPatientDirectory,
} from '@lienthong/patient-id/insurance-gateway';

const settings = {
  baseUrl: 'https://gateway.example.vn', // your gateway
  lookupPath: '/path/of/the/card-lookup', // as your gateway documents it
  auth: clientCredentialsAuth({
    tokenUrl: 'https://gateway.example.vn/token',
    clientId: process.env.GW_CLIENT_ID ?? '',
    clientSecret: process.env.GW_CLIENT_SECRET ?? '',
  }),
  officer: { name: 'Lê Thị Cán Bộ', citizenId: '001190000001' }, // hoTenCb, cccdCb (synthetic)
};

const gateway = createInsuranceGatewayClient(settings);
const outcome = await gateway.lookupCard({
  cardNumber: 'DN4790000000001',
  name: 'Nguyễn Văn An',
  birthDate: '1985-03-12',
});
switch (outcome.status) {
  case 'valid':
    console.log(outcome.card?.validTo, outcome.card?.registeredFacility, outcome.history.length);
    break;
  case 'expired':
  case 'revoked':
    console.log('card no longer valid', outcome.code);
    break;
  default:
    console.log(outcome.status, outcome.code); // 'wrong-name' '060', 'not-found' '050', …
}

// The same lookup as a read-only PatientDirectory (no upsert; demographic-only search not offered)
const directory = createInsuranceGatewayPatientDirectory(settings);
const patient = await directory.findByIdentifier(
  { system: 'http://fhir.ehealth.gov.vn/core/sid/insurance_number', value: 'DN4790000000001' },
  { verify: { name: 'Nguyễn Văn An', birthDate: '1985-03-12' } },
);
console.log(patient?.insurance?.[0]);
