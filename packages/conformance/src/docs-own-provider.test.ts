// The "write your own provider" guide's sample must really pass the suite it claims to pass.
import '../../../docs/snippets/guides/own-provider.js';
