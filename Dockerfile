FROM node:22-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN node scripts/build.mjs
ENV NODE_ENV=production PORT=3000 HOST=0.0.0.0
EXPOSE 3000
# the same heap cap as `npm start`: V8 otherwise lets garbage pile up to hundreds of MB before collecting it
CMD ["node", "--max-old-space-size=192", "dist/src/main.js"]
