/** kgc-admin from source, exactly as its bin starts it (services/admin/bin/kgc-admin.js). */
import { main } from '../../services/admin/src/main.js';

await main();
