// nginx in front of the instances: the same code serves this suite and the bench (`npm run bench -- --cluster 3`),
// so both measure the deployed deploy/nginx.conf the same way.
export { DEPLOY_CONF, NGINX_PATH, startNginx, testConfig, type Nginx } from '../../bench/lib/nginx.js';
