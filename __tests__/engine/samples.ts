// Hand-made logs for the shapes the recorded corpus does not cover, written after the printers
// in buildx/BuildKit (progressui printer.go and display.go) and logs users post in issues.

/** Newer BuildKit: `process ... did not complete successfully`, excerpt with `>>>`, build checks. */
export const MODERN_RUN_FAILURE = `#0 building with "default" instance using docker driver

#1 [internal] load build definition from Dockerfile
#1 transferring dockerfile: 215B done
#1 WARN: FromAsCasing: 'as' and 'FROM' keywords' casing do not match (line 1)
#1 DONE 0.0s

#2 [internal] load metadata for docker.io/library/alpine:3.19
#2 DONE 0.6s

#3 [internal] load .dockerignore
#3 transferring context: 2B done
#3 DONE 0.0s

#4 [build 1/4] FROM docker.io/library/alpine:3.19@sha256:c5b1261d6d3e43071626931fc004f70149baeba2c8ec672bd4f27761f8e1ad6b
#4 resolve docker.io/library/alpine:3.19@sha256:c5b1261d6d3e43071626931fc004f70149baeba2c8ec672bd4f27761f8e1ad6b 0.0s done
#4 CACHED

#5 [internal] load build context
#5 transferring context: 1.05MB 0.1s
#5 transferring context: 62.93MB 1.2s done
#5 DONE 1.3s

#6 [build 2/4] WORKDIR /src
#6 CACHED

#7 [build 3/4] COPY . .
#7 DONE 0.4s

#8 [build 4/4] RUN make test
#8 0.153 cc -o app main.c
#8 1.210 ./app --self-test
#8 1.215 FAIL: expected 3, got 4
#8 ERROR: process "/bin/sh -c make test" did not complete successfully: exit code: 2
------
 > [build 4/4] RUN make test:
0.153 cc -o app main.c
1.210 ./app --self-test
1.215 FAIL: expected 3, got 4
------

 1 warning found (use docker --debug to expand):
 - FromAsCasing: 'as' and 'FROM' keywords' casing do not match (line 1)
Dockerfile:7
--------------------
   5 |     WORKDIR /src
   6 |     COPY . .
   7 | >>> RUN make test
   8 |     
   9 |     FROM alpine:3.19
--------------------
ERROR: failed to solve: process "/bin/sh -c make test" did not complete successfully: exit code: 2
`;

/** The tty display's last frame, as pasted from a terminal. */
export const TTY_FAILURE = `[+] Building 3.4s (10/11)                                                        docker:default
 => [internal] load build definition from Dockerfile                                          0.0s
 => => transferring dockerfile: 157B                                                          0.0s
 => [internal] load metadata for docker.io/library/node:20-alpine                             1.1s
 => [internal] load .dockerignore                                                             0.0s
 => => transferring context: 2B                                                               0.0s
 => [1/5] FROM docker.io/library/node:20-alpine@sha256:1a2b3c4d                               0.0s
 => [internal] load build context                                                             0.2s
 => => transferring context: 62.93MB                                                          0.2s
 => CACHED [2/5] WORKDIR /app                                                                 0.0s
 => CACHED [3/5] COPY package*.json ./                                                        0.0s
 => ERROR [4/5] RUN npm ci                                                                    2.0s
------
 > [4/5] RUN npm ci:
1.902 npm ERR! code ENOTFOUND
1.903 npm ERR! network request to https://registry.npmjs.org/express failed, reason: getaddrinfo ENOTFOUND registry.npmjs.org
------
Dockerfile:4
--------------------
   2 |     WORKDIR /app
   3 |     COPY package*.json ./
   4 | >>> RUN npm ci
   5 |     COPY . .
--------------------
ERROR: failed to solve: process "/bin/sh -c npm ci" did not complete successfully: exit code: 1
`;

/** tty success, as captured with \`script\`: earlier frames, cursor moves and colours included. */
export const TTY_SUCCESS_CAPTURED =
  '\x1b[?25l[+] Building 0.8s (3/6)                                           docker:default\r\n' +
  ' => [internal] load build definition from Dockerfile                        0.0s\r\n' +
  ' => [1/3] FROM docker.io/library/alpine:3.19                                0.2s\r\n' +
  ' => [2/3] RUN apk add --no-cache curl                                       0.5s\r\n' +
  ' => => # fetch https://dl-cdn.alpinelinux.org/alpine/v3.19/main/x86_64/APKINDEX.tar.gz\r\n' +
  '\x1b[5A\x1b[0G[+] Building 2.6s (7/7) FINISHED                                  docker:default\r\n' +
  '\x1b[34m => [internal] load build definition from Dockerfile                        0.0s\r\n\x1b[0m' +
  '\x1b[34m => [1/3] FROM docker.io/library/alpine:3.19                                0.2s\r\n\x1b[0m' +
  '\x1b[34m => [2/3] RUN apk add --no-cache curl                                       1.9s\r\n\x1b[0m' +
  '\x1b[34m => [3/3] COPY app.sh /usr/local/bin/                                       0.1s\r\n\x1b[0m' +
  '\x1b[34m => exporting to image                                                      0.1s\r\n\x1b[0m' +
  '\x1b[34m => => exporting layers                                                     0.1s\r\n\x1b[0m' +
  '\x1b[34m => => naming to docker.io/library/app:latest                               0.0s\r\n\x1b[0m' +
  '\x1b[?25h';

/** buildx <= 0.5 / BuildKit < 0.9 from Docker 20.10: sha256 layer lines and the executor wording. */
export const OLD_BUILDX = `#1 [internal] load build definition from Dockerfile
#1 sha256:5a3a3f1d2c1a3f2b0e0b1b1c6d0b8f9a2d2d6a1a4d3e5f6a7b8c9d0e1f2a3b4c
#1 transferring dockerfile: 37B done
#1 DONE 0.0s

#2 [internal] load .dockerignore
#2 sha256:9c4f5e6d7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d
#2 transferring context: 2B done
#2 DONE 0.0s

#3 [internal] load metadata for docker.io/library/python:3.8-slim
#3 sha256:1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b
#3 DONE 1.2s

#4 [1/3] FROM docker.io/library/python:3.8-slim@sha256:0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0
#4 sha256:0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0
#4 resolve docker.io/library/python:3.8-slim@sha256:0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0 0.0s done
#4 sha256:a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3 0B / 27.15MB 0.2s
#4 sha256:a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3 12.58MB / 27.15MB 0.8s
#4 sha256:a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3 27.15MB / 27.15MB 1.4s done
#4 extracting sha256:a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3
#4 extracting sha256:a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3 1.5s done
#4 DONE 3.1s

#5 [internal] load build context
#5 sha256:3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d
#5 transferring context: 4.39kB done
#5 DONE 0.0s

#6 [2/3] COPY requirements.txt .
#6 sha256:4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e
#6 DONE 0.1s

#7 [3/3] RUN pip install -r requirements.txt
#7 sha256:5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f
#7 1.234 Collecting flask==9.9.9
#7 2.345 ERROR: Could not find a version that satisfies the requirement flask==9.9.9
#7 2.346 ERROR: No matching distribution found for flask==9.9.9
#7 ERROR: executor failed running [/bin/sh -c pip install -r requirements.txt]: exit code: 1
------
 > [3/3] RUN pip install -r requirements.txt:
------
executor failed running [/bin/sh -c pip install -r requirements.txt]: exit code: 1
`;

/** Multi-platform build: platform prefixes, padded indexes, interleaved vertices, cross-compile target. */
export const MULTI_PLATFORM = `#0 building with "multi" instance using docker-container driver

#1 [internal] load build definition from Dockerfile
#1 transferring dockerfile: 1.02kB done
#1 DONE 0.0s

#2 [linux/arm64 internal] load metadata for docker.io/library/golang:1.22
#2 DONE 0.9s

#3 [linux/amd64 internal] load metadata for docker.io/library/golang:1.22
#3 DONE 0.9s

#4 [linux/amd64 builder  1/12] FROM docker.io/library/golang:1.22@sha256:aa11
#4 DONE 0.0s

#5 [linux/arm64 builder  1/12] FROM docker.io/library/golang:1.22@sha256:aa11
#5 DONE 0.0s

#6 [linux/amd64->arm64 builder  8/12] RUN go build -o /out/app ./cmd/app
#6 0.512 go: downloading github.com/spf13/cobra v1.8.0

#7 [linux/amd64 builder  8/12] RUN go build -o /out/app ./cmd/app
#7 0.498 go: downloading github.com/spf13/cobra v1.8.0
#7 ...

#6 [linux/amd64->arm64 builder  8/12] RUN go build -o /out/app ./cmd/app
#6 4.101 built
#6 DONE 4.2s

#7 [linux/amd64 builder  8/12] RUN go build -o /out/app ./cmd/app
#7 DONE 3.9s

#8 [linux/arm64 stage-1 12/12] COPY --from=builder /out/app /app
#8 DONE 0.1s

#9 exporting to image
#9 exporting layers 0.3s done
#9 exporting manifest sha256:1111 done
#9 exporting manifest list sha256:2222 done
#9 DONE 0.5s
`;

/** docker compose (bake) output: the service name before every vertex name. */
export const COMPOSE = `#0 building with "default" instance using docker driver

#1 [web internal] load build definition from Dockerfile
#1 transferring dockerfile: 180B done
#1 DONE 0.0s

#2 [api internal] load build definition from Dockerfile
#2 transferring dockerfile: 200B done
#2 DONE 0.0s

#3 [web internal] load build context
#3 transferring context: 1.50kB done
#3 DONE 0.0s

#4 [api internal] load build context
#4 transferring context: 2.50kB done
#4 DONE 0.0s

#5 [web 1/2] FROM docker.io/library/nginx:1.27
#5 DONE 0.1s

#6 [api builder 1/3] FROM docker.io/library/node:20
#6 DONE 0.1s

#7 [web 2/2] COPY site/ /usr/share/nginx/html/
#7 CACHED

#8 [api builder 2/3] RUN npm ci
#8 CACHED

#9 [api builder 3/3] RUN npm run build
#9 DONE 2.0s

#10 [web] exporting to image
#10 exporting layers done
#10 DONE 0.0s

#11 [api] exporting to image
#11 exporting layers 0.1s done
#11 DONE 0.1s
`;

/** A build interrupted by the user: in-flight steps are CANCELED. */
export const CANCELLED = `#0 building with "default" instance using docker driver

#1 [internal] load build definition from Dockerfile
#1 transferring dockerfile: 120B done
#1 DONE 0.0s

#2 [1/2] FROM docker.io/library/alpine:3.19
#2 DONE 0.0s

#3 [2/2] RUN sleep 600
#3 CANCELED
ERROR: failed to solve: Canceled: context canceled
`;

/** A log cut in the middle of a step (runner killed, download interrupted). */
export const CUT_MID_STEP = `#0 building with "default" instance using docker driver

#1 [internal] load build definition from Dockerfile
#1 DONE 0.0s

#2 [1/3] FROM docker.io/library/alpine:3.19
#2 DONE 0.0s

#3 [2/3] RUN ./long-running.sh
#3 0.100 step one
#3 5.203 step two`;

/** An output line that hit the log limit. */
export const CLIPPED = `#1 [1/2] FROM docker.io/library/alpine:3.19
#1 DONE 0.0s

#2 [2/2] RUN yes | head -n 200000
#2 0.101 y
#2 0.102 y
#2 [output clipped, log limit 2MiB reached]
#2 DONE 1.1s

#3 exporting to image
#3 DONE 0.0s
`;
