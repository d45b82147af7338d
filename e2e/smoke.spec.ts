import { expect, test } from '@playwright/test';

test('the explorer page loads and shows its title', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1, name: 'RNN Explorer' })).toBeVisible();
  await expect(page).toHaveTitle(/RNN Explorer/);
});

test('the page loads with no console errors and no uncaught exceptions', async ({ page }) => {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console.error: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  page.on('requestfailed', (request) =>
    errors.push(`request failed: ${request.url()} (${request.failure()?.errorText})`)
  );

  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1, name: 'RNN Explorer' })).toBeVisible();
  await page.waitForLoadState('networkidle');

  expect(errors).toEqual([]);
});

test('the browser has a real WebGPU adapter that computes', async ({ page }) => {
  await page.goto('/');
  const gpu = await page.evaluate(async () => {
    if (!window.isSecureContext) return { error: 'not a secure context' };
    if (!navigator.gpu) return { error: 'navigator.gpu is undefined' };
    const adapter = await navigator.gpu.requestAdapter();
    if (!adapter) return { error: 'requestAdapter() returned null' };
    const { vendor, architecture, device, description } = adapter.info;

    // Double four numbers in a compute shader and read them back.
    const gpuDevice = await adapter.requestDevice();
    const input = new Float32Array([1, 2, 3, 4]);
    const storage = gpuDevice.createBuffer({
      size: input.byteLength,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST
    });
    gpuDevice.queue.writeBuffer(storage, 0, input);
    const readback = gpuDevice.createBuffer({
      size: input.byteLength,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST
    });
    const pipeline = gpuDevice.createComputePipeline({
      layout: 'auto',
      compute: {
        module: gpuDevice.createShaderModule({
          code: `@group(0) @binding(0) var<storage, read_write> values: array<f32>;
                 @compute @workgroup_size(4)
                 fn main(@builtin(global_invocation_id) id: vec3u) { values[id.x] *= 2.0; }`
        }),
        entryPoint: 'main'
      }
    });
    const bindGroup = gpuDevice.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [{ binding: 0, resource: { buffer: storage } }]
    });
    const encoder = gpuDevice.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(1);
    pass.end();
    encoder.copyBufferToBuffer(storage, 0, readback, 0, input.byteLength);
    gpuDevice.queue.submit([encoder.finish()]);
    await readback.mapAsync(GPUMapMode.READ);
    const doubled = Array.from(new Float32Array(readback.getMappedRange()));
    gpuDevice.destroy();
    return { vendor, architecture, device, description, doubled };
  });

  const adapterInfo = 'error' in gpu ? gpu.error : JSON.stringify({ ...gpu, doubled: undefined });
  test.info().annotations.push({ type: 'WebGPU adapter', description: adapterInfo });
  console.log(`WebGPU adapter: ${adapterInfo}`);
  expect(gpu).not.toHaveProperty('error');
  expect(gpu).toHaveProperty('doubled', [2, 4, 6, 8]);
});

test('the browser has WebGL2 for the webgl backend', async ({ page }) => {
  await page.goto('/');
  const webgl = await page.evaluate(() => {
    const gl = document.createElement('canvas').getContext('webgl2');
    if (!gl) return null;
    const debugInfo = gl.getExtension('WEBGL_debug_renderer_info');
    return {
      renderer: debugInfo
        ? String(gl.getParameter(debugInfo.UNMASKED_RENDERER_WEBGL))
        : String(gl.getParameter(gl.RENDERER)),
      version: String(gl.getParameter(gl.VERSION))
    };
  });
  test.info().annotations.push({ type: 'WebGL2', description: JSON.stringify(webgl) });
  console.log(`WebGL2: ${JSON.stringify(webgl)}`);
  expect(webgl).not.toBeNull();
});
