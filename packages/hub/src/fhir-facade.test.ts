import { sqliteDatabase } from '../test/databases.js';
import { describeFhirFacade } from '../test/fhir-facade-behaviour.js';
import { describeFhirVisits } from '../test/fhir-visits-behaviour.js';
import { describeFhirVisitsProvider } from '../test/fhir-visits-provider-behaviour.js';

describeFhirFacade('SQLite (embedded)', sqliteDatabase);
describeFhirVisits('SQLite (embedded)', sqliteDatabase);
describeFhirVisitsProvider('SQLite (embedded)', sqliteDatabase);
