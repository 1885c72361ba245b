import { sqliteDatabase } from '../test/databases.js';
import { describeFhirFacade } from '../test/fhir-facade-behaviour.js';

describeFhirFacade('SQLite (embedded)', sqliteDatabase);
