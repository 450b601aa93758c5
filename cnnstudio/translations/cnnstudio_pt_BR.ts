<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="pt_BR">
<context>
    <name>Analysis</name>
    <message>
        <source>{ins} -&gt; {value}</source>
        <translation>{ins} -&gt; {value}</translation>
    </message>
    <message>
        <source>receptive field: {value} input pixels</source>
        <translation>campo receptivo: {value} pixels da entrada</translation>
    </message>
    <message>
        <source>{lid}: unknown layer type {type!r} (known: {known})</source>
        <translation>{lid}: tipo de camada desconhecido {type!r} (conhecidos: {known})</translation>
    </message>
    <message>
        <source>{lid}: its inputs loop back to it (the graph must be acyclic)</source>
        <translation>{lid}: suas entradas voltam a ela mesma (o grafo deve ser acíclico)</translation>
    </message>
    <message>
        <source>{lid}: {problem}</source>
        <translation>{lid}: {problem}</translation>
    </message>
    <message>
        <source>{lid}: a design has exactly one Input layer and {first} is the first</source>
        <translation>{lid}: um projeto tem exatamente uma camada Input e {first} é a primeira</translation>
    </message>
    <message>
        <source>{lid}: {text}</source>
        <translation>{lid}: {text}</translation>
    </message>
    <message>
        <source>{lid}: {message}</source>
        <translation>{lid}: {message}</translation>
    </message>
    <message>
        <source>the design has no Input layer: drag one from the palette</source>
        <translation>o projeto não tem camada Input: arraste uma da paleta</translation>
    </message>
    <message>
        <source>needs an input: connect a block&apos;s output to it</source>
        <translation>precisa de uma entrada: conecte a saída de um bloco a ela</translation>
    </message>
    <message>
        <source>needs at least {min_inputs} inputs, has {n}</source>
        <translation>precisa de pelo menos {min_inputs} entradas, tem {n}</translation>
    </message>
    <message>
        <source>an {type} layer takes no inputs, has {n}</source>
        <translation>uma camada {type} não recebe entradas, tem {n}</translation>
    </message>
    <message>
        <source>takes 1 input, has {n}: use Add or Concat to merge branches</source>
        <translation>recebe 1 entrada, tem {n}: use Add ou Concat para juntar ramos</translation>
    </message>
    <message>
        <source>takes {max_inputs} inputs, has {n}: use Add or Concat to merge branches</source>
        <translation>recebe {max_inputs} entradas, tem {n}: use Add ou Concat para juntar ramos</translation>
    </message>
    <message>
        <source>{lid}: its input {src!r} does not exist</source>
        <translation>{lid}: sua entrada {src!r} não existe</translation>
    </message>
    <message>
        <source>Rename {lid} to {candidate}</source>
        <translation>Renomear {lid} para {candidate}</translation>
    </message>
    <message>
        <source>{lid}: the id {why}</source>
        <translation>{lid}: o id {why}</translation>
    </message>
    <message>
        <source>the output {output!r} is not a layer of the design</source>
        <translation>a saída {output!r} não é uma camada do projeto</translation>
    </message>
    <message>
        <source>{value} layers end the network ({listed}): connect all but one or choose the output</source>
        <translation>{value} camadas terminam a rede ({listed}): conecte todas menos uma ou escolha a saída</translation>
    </message>
    <message>
        <source>{id}: not on the way to the output {output_id}, so it is not part of the model</source>
        <translation>{id}: não está no caminho até a saída {output_id}, então não faz parte do modelo</translation>
    </message>
</context>
<context>
    <name>App</name>
    <message>
        <source>an unsaved design</source>
        <translation>um projeto não salvo</translation>
    </message>
    <message>
        <source>Restore unsaved work?</source>
        <translation>Restaurar o trabalho não salvo?</translation>
    </message>
    <message>
        <source>cnnstudio did not close cleanly. Unsaved changes to {origin} (&quot;{name}&quot;, autosaved {when}) can be restored.</source>
        <translation>O cnnstudio não foi fechado corretamente. As alterações não salvas em {origin} (&quot;{name}&quot;, salvas automaticamente em {when}) podem ser restauradas.</translation>
    </message>
</context>
<context>
    <name>BlockLibrary</name>
    <message>
        <source>{name}: too large to be a block</source>
        <translation>{name}: grande demais para ser um bloco</translation>
    </message>
    <message>
        <source>not UTF-8 text</source>
        <translation>não é texto UTF-8</translation>
    </message>
    <message>
        <source>cannot be read ({strerror})</source>
        <translation>não pode ser lido ({strerror})</translation>
    </message>
    <message>
        <source>there is no block {name!r}</source>
        <translation>não há um bloco {name!r}</translation>
    </message>
    <message>
        <source>a block named {name!r} exists already</source>
        <translation>já existe um bloco chamado {name!r}</translation>
    </message>
</context>
<context>
    <name>Canvas</name>
    <message>
        <source>Drag to an input port to connect</source>
        <extracomment>Gradient-flow badge colours by level (see core.gradient_flow): cold, green, red.</extracomment>
        <translation>Arraste até uma porta de entrada para conectar</translation>
    </message>
    <message>
        <source>Click the mark to fix: {fix}</source>
        <extracomment>Set by the scene (GraphScene.set_theme); items never reach back into their scene.</extracomment>
        <translation>Clique na marca para corrigir: {fix}</translation>
    </message>
    <message>
        <source>Click the mark to choose a fix:</source>
        <translation>Clique na marca para escolher uma correção:</translation>
    </message>
    <message>
        <source>Frozen: its parameters are not trained</source>
        <translation>Congelada: seus parâmetros não são treinados</translation>
    </message>
    <message>
        <source>Gradient {source}: mean |grad| {value} ({level})</source>
        <translation>Gradiente {source}: |grad| médio {value} ({level})</translation>
    </message>
    <message>
        <source>flow</source>
        <translation>(fluxo)</translation>
    </message>
    <message>
        <source>vanishing</source>
        <translation>desaparecendo</translation>
    </message>
    <message>
        <source>healthy</source>
        <translation>saudável</translation>
    </message>
    <message>
        <source>exploding</source>
        <translation>explodindo</translation>
    </message>
    <message>
        <source>Gradient {source}: the weakest (or exploding) member&apos;s mean |grad| {value} ({level})</source>
        <translation>Gradiente {source}: |grad| médio do membro mais fraco (ou que explode) {value} ({level})</translation>
    </message>
    <message>
        <source>Double-click or click the chevron to unfold</source>
        <translation>Clique duas vezes ou clique na seta para expandir</translation>
    </message>
    <message>
        <source>Unfold {path}</source>
        <translation>Expandir {path}</translation>
    </message>
    <message>
        <source>Ungroup {path}</source>
        <translation>Desagrupar {path}</translation>
    </message>
    <message>
        <source>Added {name}: {n} layers in group {group} (Ctrl+Z removes them)</source>
        <translation>{name} adicionado: {n} camadas no grupo {group} (Ctrl+Z as remove)</translation>
    </message>
    <message>
        <source>Nothing to paste: {reason}</source>
        <translation>Nada para colar: {reason}</translation>
    </message>
    <message>
        <source>Select the blocks to group first</source>
        <translation>Selecione antes os blocos a agrupar</translation>
    </message>
    <message>
        <source>Group {value} blocks as {path}</source>
        <translation>Agrupar {value} blocos como {path}</translation>
    </message>
    <message>
        <source>Grouped {n} blocks as {path}</source>
        <translation>{n} blocos agrupados como {path}</translation>
    </message>
    <message>
        <source>The selection is not inside a group</source>
        <translation>A seleção não está dentro de um grupo</translation>
    </message>
    <message>
        <source>Ungrouped {path}</source>
        <translation>{path} desagrupado</translation>
    </message>
    <message>
        <source>Fixed: {fix}</source>
        <translation>Corrigido: {fix}</translation>
    </message>
    <message>
        <source>Make room</source>
        <translation>Abrir espaço</translation>
    </message>
    <message>
        <source>Not connected: {reason}</source>
        <translation>Não conectado: {reason}</translation>
    </message>
    <message>
        <source>Save Group as Block…</source>
        <translation>Salvar grupo como bloco…</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Copiar</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Excluir</translation>
    </message>
    <message>
        <source>Unfreeze</source>
        <translation>Descongelar</translation>
    </message>
    <message>
        <source>Freeze</source>
        <translation>Congelar</translation>
    </message>
    <message>
        <source>Fold {path}</source>
        <translation>Recolher {path}</translation>
    </message>
    <message>
        <source>Save Group {group} as Block…</source>
        <translation>Salvar o grupo {group} como bloco…</translation>
    </message>
    <message>
        <source>Disconnect {src} from {dst}</source>
        <translation>Desconectar {src} de {dst}</translation>
    </message>
    <message>
        <source>Paste</source>
        <translation>Colar</translation>
    </message>
    <message>
        <source>Unknown layer type {name!r}</source>
        <translation>Tipo de camada desconhecido {name!r}</translation>
    </message>
    <message>
        <source>Auto layout</source>
        <translation>Organizar automaticamente</translation>
    </message>
    <message>
        <source>Fit to view</source>
        <translation>Ajustar à janela</translation>
    </message>
    <message>
        <source>&amp;Group Selection</source>
        <translation>A&amp;grupar a seleção</translation>
    </message>
    <message>
        <source>Put the selected blocks into a new group (one undo step)</source>
        <translation>Colocar os blocos selecionados em um novo grupo (um passo de desfazer)</translation>
    </message>
    <message>
        <source>&amp;Ungroup</source>
        <translation>&amp;Desagrupar</translation>
    </message>
    <message>
        <source>Dissolve the selected group (one undo step)</source>
        <translation>Desfazer o grupo selecionado (um passo de desfazer)</translation>
    </message>
    <message>
        <source>&amp;Fold All Groups</source>
        <translation>&amp;Recolher todos os grupos</translation>
    </message>
    <message>
        <source>Show each top-level group as one block</source>
        <translation>Mostrar cada grupo de nível superior como um bloco</translation>
    </message>
    <message>
        <source>Unfold All Groups</source>
        <translation>Expandir todos os grupos</translation>
    </message>
    <message>
        <source>Show every layer</source>
        <translation>Mostrar todas as camadas</translation>
    </message>
    <message>
        <source> (and {n} more inside)</source>
        <extracomment>The last gradient flow shown (layer id -&gt; mean |grad| at initialisation); cleared by the next edit of the model, whose gradients it no longer describes.</extracomment>
        <translation> (e mais {n} dentro)</translation>
    </message>
    <message>
        <source>{path} · {n} layers · {macs} MACs</source>
        <translation>{path} · {n} camadas · {macs} MACs</translation>
    </message>
    <message>
        <source>{n} layers</source>
        <translation>{n} camadas</translation>
    </message>
    <message>
        <source>in: </source>
        <translation>entrada: </translation>
    </message>
    <message>
        <source>out: </source>
        <translation>saída: </translation>
    </message>
    <message>
        <source>{params} params ({trainable} trainable)</source>
        <translation>{params} parâmetros ({trainable} treináveis)</translation>
    </message>
    <message>
        <source>, {n} layers unknown</source>
        <translation>, {n} camadas desconhecidas</translation>
    </message>
</context>
<context>
    <name>Catalog</name>
    <message>
        <source>Input</source>
        <extracomment>Whether the palette offers this group&apos;s types (imported opaque blocks are not drawn by hand). The layer groups in palette order; a spec&apos;s ``group`` is one of their keys.</extracomment>
        <translation>Entrada</translation>
    </message>
    <message>
        <source>Convolution</source>
        <translation>Convolução</translation>
    </message>
    <message>
        <source>Pooling</source>
        <translation>Agrupamento</translation>
    </message>
    <message>
        <source>Activation</source>
        <translation>Ativação</translation>
    </message>
    <message>
        <source>Dense</source>
        <translation>Densa</translation>
    </message>
    <message>
        <source>Regularization</source>
        <translation>Regularização</translation>
    </message>
    <message>
        <source>Merge</source>
        <translation>Junção</translation>
    </message>
    <message>
        <source>Reshape</source>
        <translation>Remodelagem</translation>
    </message>
    <message>
        <source>Imported</source>
        <translation>Importado</translation>
    </message>
    <message>
        <source>{type} needs an image (C x H x W) or a sequence (C x L) input, got {kind}</source>
        <extracomment>``(key, title)`` of every group the palette lists, in palette order. Every layer type by name, in palette order (registration order, see :func:`register`). Start of the ids of new layers of this type (``conv`` -&gt; conv1, conv2); the lowercased type when empty. The canvas and the templates name layers with it. A weight-free, value-by-value map (activations, Dropout): the output has the input&apos;s shape and meaning, so e.g. ``templates.adapt`` looks through it for the classifier.</extracomment>
        <translation>{type} precisa de uma entrada imagem (C x H x W) ou sequência (C x L), recebeu {kind}</translation>
    </message>
    <message>
        <source>{name} has {value} values but the input has {n} spatial axis{value2}</source>
        <translation>{name} tem {value} valores, mas a entrada tem {n} eixo(s) espacial(is)</translation>
    </message>
    <message>
        <source>{name} {dim} is out of range for a {rank}-axis input</source>
        <translation>{name} {dim} está fora do intervalo para uma entrada de {rank} eixos</translation>
    </message>
    <message>
        <source>kernel {kernel} is larger than the padded input {padded}</source>
        <translation>o kernel {kernel} é maior que a entrada com preenchimento {padded}</translation>
    </message>
    <message>
        <source>Set {lid}&apos;s kernel_size to {value} (the largest that fits {value2})</source>
        <translation>Definir kernel_size de {lid} como {value} (o maior que cabe em {value2})</translation>
    </message>
    <message>
        <source>Set {lid}&apos;s padding to {value} (pads the input to {grown})</source>
        <translation>Definir o preenchimento de {lid} como {value} (a entrada passa a {grown})</translation>
    </message>
    <message>
        <source>Set {lid}&apos;s dilation to 1</source>
        <translation>Definir a dilatação de {lid} como 1</translation>
    </message>
    <message>
        <source>Set {lid}&apos;s padding to &quot;same&quot; (keeps {value})</source>
        <translation>Definir o preenchimento de {lid} como &quot;same&quot; (mantém {value})</translation>
    </message>
    <message>
        <source>{mode} padding of {q} on an input of size {n}: torch needs it smaller than the size</source>
        <extracomment>What a Conv&apos;s padding holds, as torch names it (``nn.Conv2d(padding_mode=...)``).</extracomment>
        <translation>preenchimento {mode} de {q} em uma entrada de tamanho {n}: o torch exige que seja menor que o tamanho</translation>
    </message>
    <message>
        <source>{mode} padding of {q} on an input of size {n}: torch needs it at most the size</source>
        <translation>preenchimento {mode} de {q} em uma entrada de tamanho {n}: o torch exige que seja no máximo o tamanho</translation>
    </message>
    <message>
        <source>size</source>
        <translation>tamanho</translation>
    </message>
    <message>
        <source>The data entering the network: C x H x W for images, C x L for sequences, F for vectors.</source>
        <translation>Os dados que entram na rede: C x H x W para imagens, C x L para sequências, F para vetores.</translation>
    </message>
    <message>
        <source>Input size without the batch axis: [C, H, W], [C, L] or [F].</source>
        <translation>Tamanho da entrada sem o eixo do lote: [C, H, W], [C, L] ou [F].</translation>
    </message>
    <message>
        <source>Slides learned filters over the input; each filter gives one output channel (2-D on images, 1-D on sequences).</source>
        <translation>Desliza filtros aprendidos sobre a entrada; cada filtro gera um canal de saída (2-D em imagens, 1-D em sequências).</translation>
    </message>
    <message>
        <source>Number of filters (output channels).</source>
        <translation>Número de filtros (canais de saída).</translation>
    </message>
    <message>
        <source>Filter size f per spatial axis.</source>
        <translation>Tamanho f do filtro em cada eixo espacial.</translation>
    </message>
    <message>
        <source>Step s between filter positions.</source>
        <translation>Passo s entre as posições do filtro.</translation>
    </message>
    <message>
        <source>Zeros p added on each side; &quot;same&quot; keeps the size (stride 1).</source>
        <translation>Zeros p acrescentados em cada lado; &quot;same&quot; mantém o tamanho (passo 1).</translation>
    </message>
    <message>
        <source>Spacing between filter taps (atrous convolution).</source>
        <translation>Espaçamento entre os pontos do filtro (convolução dilatada).</translation>
    </message>
    <message>
        <source>Split channels into groups (depthwise when = channels).</source>
        <translation>Divide os canais em grupos (depthwise quando = canais).</translation>
    </message>
    <message>
        <source>Learn one bias per filter.</source>
        <translation>Aprende um viés por filtro.</translation>
    </message>
    <message>
        <source>What the padding holds: zeros, or the input mirrored (reflect), its edge repeated (replicate) or wrapped around (circular).</source>
        <translation>O que o preenchimento contém: zeros, ou a entrada espelhada (reflect), sua borda repetida (replicate) ou dada a volta (circular).</translation>
    </message>
    <message>
        <source>groups {groups} does not divide the {c_in} input channels</source>
        <translation>groups {groups} não divide os {c_in} canais de entrada</translation>
    </message>
    <message>
        <source>groups {groups} does not divide out_channels {out_c}</source>
        <translation>groups {groups} não divide out_channels {out_c}</translation>
    </message>
    <message>
        <source>padding &quot;same&quot; needs stride 1, got stride {value}</source>
        <translation>o preenchimento &quot;same&quot; precisa de passo 1, recebeu passo {value}</translation>
    </message>
    <message>
        <source>Set {lid}&apos;s stride to 1</source>
        <translation>Definir o passo de {lid} como 1</translation>
    </message>
    <message>
        <source>padding &quot;same&quot; keeps the size: {value}</source>
        <translation>o preenchimento &quot;same&quot; mantém o tamanho: {value}</translation>
    </message>
    <message>
        <source>params: ({taps} + 1) * {value} = {value2}</source>
        <translation>parâmetros: ({taps} + 1) * {value} = {value2}</translation>
    </message>
    <message>
        <source>params: {taps} * {value} = {value2} (no bias)</source>
        <translation>parâmetros: {taps} * {value} = {value2} (sem viés)</translation>
    </message>
    <message>
        <source>MACs: {value} outputs * {taps} = {value2}</source>
        <translation>MACs: {value} saídas * {taps} = {value2}</translation>
    </message>
    <message>
        <source>Conv {value}@{ks}</source>
        <translation>Conv {value}@{ks}</translation>
    </message>
    <message>
        <source>Window size per spatial axis.</source>
        <translation>Tamanho da janela em cada eixo espacial.</translation>
    </message>
    <message>
        <source>Step between windows; empty means the kernel size.</source>
        <translation>Passo entre as janelas; vazio significa o tamanho do kernel.</translation>
    </message>
    <message>
        <source>Padding on each side (at most half the kernel).</source>
        <translation>Preenchimento em cada lado (no máximo metade do kernel).</translation>
    </message>
    <message>
        <source>Round the output size up (a last partial window counts).</source>
        <translation>Arredonda o tamanho da saída para cima (uma última janela parcial conta).</translation>
    </message>
    <message>
        <source>{type} does not support padding &quot;same&quot;</source>
        <translation>{type} não aceita o preenchimento &quot;same&quot;</translation>
    </message>
    <message>
        <source>padding {pi} is more than half the kernel {ki} (at most {value})</source>
        <translation>o preenchimento {pi} é mais que metade do kernel {ki} (no máximo {value})</translation>
    </message>
    <message>
        <source>Set {lid}&apos;s padding to {value}</source>
        <translation>Definir o preenchimento de {lid} como {value}</translation>
    </message>
    <message>
        <source>channels kept: {value}; no parameters</source>
        <translation>canais mantidos: {value}; sem parâmetros</translation>
    </message>
    <message>
        <source>{type} {ks} s{value}</source>
        <translation>{type} {ks} s{value}</translation>
    </message>
    <message>
        <source>Keeps the largest value of each window: downsamples and adds a little shift tolerance.</source>
        <translation>Mantém o maior valor de cada janela: reduz a resolução e tolera pequenos deslocamentos.</translation>
    </message>
    <message>
        <source>Averages each window: a smooth downsampling (padding zeros count in the average).</source>
        <translation>Calcula a média de cada janela: uma redução suave (os zeros do preenchimento entram na média).</translation>
    </message>
    <message>
        <source>Keeps the smallest value of each window (computed as -maxpool(-x)).</source>
        <translation>Mantém o menor valor de cada janela (calculado como -maxpool(-x)).</translation>
    </message>
    <message>
        <source>{value} -&gt; {value2}: one value per channel; no parameters</source>
        <translation>{value} -&gt; {value2}: um valor por canal; sem parâmetros</translation>
    </message>
    <message>
        <source>Averages each channel over all positions: C x H x W -&gt; C (the modern Flatten).</source>
        <translation>Calcula a média de cada canal sobre todas as posições: C x H x W -&gt; C (o Flatten moderno).</translation>
    </message>
    <message>
        <source>Takes each channel&apos;s maximum over all positions: C x H x W -&gt; C.</source>
        <translation>Toma o máximo de cada canal sobre todas as posições: C x H x W -&gt; C.</translation>
    </message>
    <message>
        <source>Fully connected layer: every output is a weighted sum of all inputs (nn.Linear).</source>
        <translation>Camada totalmente conectada: cada saída é uma soma ponderada de todas as entradas (nn.Linear).</translation>
    </message>
    <message>
        <source>Number of output units.</source>
        <translation>Número de unidades de saída.</translation>
    </message>
    <message>
        <source>Learn one bias per output unit.</source>
        <translation>Aprende um viés por unidade de saída.</translation>
    </message>
    <message>
        <source>Dense needs a vector input but gets the {kind} {value}; insert a Flatten (or a global pooling) before it</source>
        <translation>Dense precisa de um vetor na entrada, mas recebe {kind} {value}; insira um Flatten (ou um agrupamento global) antes dela</translation>
    </message>
    <message>
        <source>Insert a Flatten before {lid}</source>
        <translation>Inserir um Flatten antes de {lid}</translation>
    </message>
    <message>
        <source>params: {params}</source>
        <translation>parâmetros: {params}</translation>
    </message>
    <message>
        <source>MACs: {n_in} * {n_out} = {value}</source>
        <translation>MACs: {n_in} * {n_out} = {value}</translation>
    </message>
    <message>
        <source>Unrolls all axes into one vector (C x H x W -&gt; C*H*W) so a Dense layer can follow.</source>
        <translation>Desenrola todos os eixos em um vetor (C x H x W -&gt; C*H*W) para que uma camada Densa possa vir em seguida.</translation>
    </message>
    <message>
        <source>{value} = {value2} values</source>
        <translation>{value} = {value2} valores</translation>
    </message>
    <message>
        <source>While training, zeroes each value with probability p (and scales the rest by 1/(1-p)).</source>
        <translation>Durante o treinamento, zera cada valor com probabilidade p (e multiplica o resto por 1/(1-p)).</translation>
    </message>
    <message>
        <source>Probability of dropping a value.</source>
        <translation>Probabilidade de descartar um valor.</translation>
    </message>
    <message>
        <source>Normalizes each channel over the batch, then scales and shifts it (gamma, beta).</source>
        <translation>Normaliza cada canal sobre o lote e depois o escala e desloca (gamma, beta).</translation>
    </message>
    <message>
        <source>Added to the variance for numerical stability.</source>
        <translation>Somado à variância para estabilidade numérica.</translation>
    </message>
    <message>
        <source>Weight of the newest batch in the running statistics.</source>
        <translation>Peso do lote mais recente nas estatísticas acumuladas.</translation>
    </message>
    <message>
        <source>BatchNorm needs at most 3 axes, got {value}</source>
        <translation>BatchNorm aceita no máximo 3 eixos, recebeu {value}</translation>
    </message>
    <message>
        <source>params: 2 * {value} = {value2} (gamma and beta per channel; the running mean and variance are buffers, not parameters)</source>
        <translation>parâmetros: 2 * {value} = {value2} (gamma e beta por canal; a média e a variância acumuladas são buffers, não parâmetros)</translation>
    </message>
    <message>
        <source>max(0, x): passes positives, zeroes negatives.</source>
        <translation>max(0, x): deixa passar os positivos e zera os negativos.</translation>
    </message>
    <message>
        <source>x for positives, a small slope times x for negatives (no dead units).</source>
        <translation>x para positivos, uma pequena inclinação vezes x para negativos (sem unidades mortas).</translation>
    </message>
    <message>
        <source>Slope for negative inputs.</source>
        <translation>Inclinação para entradas negativas.</translation>
    </message>
    <message>
        <source>x for positives, alpha * (e^x - 1) for negatives: smooth and zero-centred.</source>
        <translation>x para positivos, alpha * (e^x - 1) para negativos: suave e centrada em zero.</translation>
    </message>
    <message>
        <source>Saturation value for negative inputs.</source>
        <translation>Valor de saturação para entradas negativas.</translation>
    </message>
    <message>
        <source>x * Phi(x): a smooth ReLU used by transformers.</source>
        <translation>x * Phi(x): uma ReLU suave usada pelos transformers.</translation>
    </message>
    <message>
        <source>1 / (1 + e^-x): squashes to (0, 1).</source>
        <translation>1 / (1 + e^-x): comprime para (0, 1).</translation>
    </message>
    <message>
        <source>tanh(x): squashes to (-1, 1), zero-centred.</source>
        <translation>tanh(x): comprime para (-1, 1), centrada em zero.</translation>
    </message>
    <message>
        <source>e^x / sum(e^x) along one axis: turns scores into probabilities that sum to 1.</source>
        <translation>e^x / soma(e^x) ao longo de um eixo: transforma pontuações em probabilidades que somam 1.</translation>
    </message>
    <message>
        <source>Axis to normalize (0 = features of a vector, channels of an image).</source>
        <translation>Eixo a normalizar (0 = características de um vetor, canais de uma imagem).</translation>
    </message>
    <message>
        <source>Adds its inputs elementwise (a ResNet skip connection); all must have the same shape.</source>
        <translation>Soma as entradas elemento a elemento (uma conexão residual da ResNet); todas devem ter o mesmo formato.</translation>
    </message>
    <message>
        <source>inputs must have the same shape: {listing}</source>
        <translation>as entradas devem ter o mesmo formato: {listing}</translation>
    </message>
    <message>
        <source>Add a 1x1 Conv to match {value} before {lid}</source>
        <translation>Adicionar uma Conv 1x1 para chegar a {value} antes de {lid}</translation>
    </message>
    <message>
        <source>Stacks its inputs along one axis (channels by default), as Inception branches are joined.</source>
        <translation>Empilha as entradas ao longo de um eixo (canais por padrão), como se juntam os ramos da Inception.</translation>
    </message>
    <message>
        <source>Axis to join along (0 = channels).</source>
        <translation>Eixo da junção (0 = canais).</translation>
    </message>
    <message>
        <source>inputs must match on every axis but axis {dim}: {listing}</source>
        <translation>as entradas devem coincidir em todos os eixos exceto o eixo {dim}: {listing}</translation>
    </message>
    <message>
        <source>axis {value}: {parts} = {value2}</source>
        <translation>eixo {value}: {parts} = {value2}</translation>
    </message>
    <message>
        <source>x * sigmoid(x) (swish): the smooth activation of EfficientNet.</source>
        <translation>x * sigmoid(x) (swish): a ativação suave da EfficientNet.</translation>
    </message>
    <message>
        <source>x * ReLU6(x + 3) / 6: a cheap swish, used by MobileNetV3.</source>
        <translation>x * ReLU6(x + 3) / 6: uma swish barata, usada pela MobileNetV3.</translation>
    </message>
    <message>
        <source>ReLU6(x + 3) / 6: a cheap sigmoid, the gate of MobileNetV3&apos;s squeeze-excite.</source>
        <translation>ReLU6(x + 3) / 6: uma sigmoid barata, a porta do squeeze-excite da MobileNetV3.</translation>
    </message>
    <message>
        <source>min(max(0, x), 6): a ReLU capped at 6, robust in low precision (MobileNetV2).</source>
        <translation>min(max(0, x), 6): uma ReLU limitada a 6, robusta em baixa precisão (MobileNetV2).</translation>
    </message>
    <message>
        <source>Passes its input through unchanged (a placeholder, e.g. for a removed head).</source>
        <translation>Repassa a entrada sem alterações (um marcador de lugar, p. ex. para uma cabeça removida).</translation>
    </message>
    <message>
        <source>Multiplies its inputs elementwise, broadcasting axes of size 1 (squeeze-excite scales C x H x W by C x 1 x 1).</source>
        <translation>Multiplica as entradas elemento a elemento, expandindo eixos de tamanho 1 (o squeeze-excite escala C x H x W por C x 1 x 1).</translation>
    </message>
    <message>
        <source>inputs must have the same rank: {listing}</source>
        <translation>as entradas devem ter o mesmo número de eixos: {listing}</translation>
    </message>
    <message>
        <source>inputs must agree on every axis (or have size 1 there): {listing}</source>
        <translation>as entradas devem coincidir em todos os eixos (ou ter tamanho 1 neles): {listing}</translation>
    </message>
    <message>
        <source>{parts} -&gt; {value} (axes of size 1 are repeated); no parameters</source>
        <translation>{parts} -&gt; {value} (eixos de tamanho 1 são repetidos); sem parâmetros</translation>
    </message>
    <message>
        <source>Output size per spatial axis.</source>
        <translation>Tamanho da saída em cada eixo espacial.</translation>
    </message>
    <message>
        <source>{value} -&gt; {value2}: each output cell pools its share of the input, whatever the input size; no parameters</source>
        <translation>{value} -&gt; {value2}: cada célula da saída agrupa sua parte da entrada, qualquer que seja o tamanho da entrada; sem parâmetros</translation>
    </message>
    <message>
        <source>Averages into a fixed output size (e.g. 7x7 before VGG&apos;s classifier).</source>
        <translation>Calcula médias até um tamanho de saída fixo (p. ex. 7x7 antes do classificador da VGG).</translation>
    </message>
    <message>
        <source>Takes maxima into a fixed output size, whatever the input size.</source>
        <translation>Toma máximos até um tamanho de saída fixo, qualquer que seja o tamanho da entrada.</translation>
    </message>
    <message>
        <source>Normalizes each sample (or, channels form, each position over its channels as in ConvNeXt), then scales and shifts it.</source>
        <translation>Normaliza cada amostra (ou, na forma por canais, cada posição sobre seus canais, como na ConvNeXt) e depois a escala e desloca.</translation>
    </message>
    <message>
        <source>Normalize over the channels at each position (ConvNeXt&apos;s channels-last form); otherwise over the whole sample.</source>
        <translation>Normaliza sobre os canais em cada posição (a forma channels-last da ConvNeXt); senão, sobre a amostra inteira.</translation>
    </message>
    <message>
        <source>Learn a scale and a shift per normalized value.</source>
        <translation>Aprende uma escala e um deslocamento por valor normalizado.</translation>
    </message>
    <message>
        <source>LayerNorm over channels needs an image or a sequence, got {value}</source>
        <translation>LayerNorm sobre os canais precisa de uma imagem ou sequência, recebeu {value}</translation>
    </message>
    <message>
        <source>the {value} channels of each position</source>
        <translation>os {value} canais de cada posição</translation>
    </message>
    <message>
        <source>the whole sample</source>
        <translation>a amostra inteira</translation>
    </message>
    <message>
        <source>mean and variance over {over}</source>
        <translation>média e variância sobre {over}</translation>
    </message>
    <message>
        <source>params: 2 * {value} = {value2} (scale and shift)</source>
        <translation>parâmetros: 2 * {value} = {value2} (escala e deslocamento)</translation>
    </message>
    <message>
        <source>; no parameters</source>
        <translation>; sem parâmetros</translation>
    </message>
    <message>
        <source>While training, drops a whole residual branch with probability p (identity in eval).</source>
        <translation>Durante o treinamento, descarta um ramo residual inteiro com probabilidade p (identidade na avaliação).</translation>
    </message>
    <message>
        <source>Probability of dropping the branch.</source>
        <translation>Probabilidade de descartar o ramo.</translation>
    </message>
    <message>
        <source>&quot;row&quot; drops per sample, &quot;batch&quot; for the whole batch.</source>
        <translation>&quot;row&quot; descarta por amostra, &quot;batch&quot; para o lote inteiro.</translation>
    </message>
    <message>
        <source>Interleaves the channels of its groups so grouped convolutions mix (ShuffleNet).</source>
        <translation>Intercala os canais dos grupos para que convoluções agrupadas se misturem (ShuffleNet).</translation>
    </message>
    <message>
        <source>Number of channel groups.</source>
        <translation>Número de grupos de canais.</translation>
    </message>
    <message>
        <source>groups {value} does not divide the {value2} channels</source>
        <translation>groups {value} não divide os {value2} canais</translation>
    </message>
    <message>
        <source>{value} channels as {g} groups of {value2}, transposed; no parameters</source>
        <translation>{value} canais como {g} grupos de {value2}, transpostos; sem parâmetros</translation>
    </message>
    <message>
        <source>One of the equal parts of its input along an axis (torch.chunk), e.g. half the channels.</source>
        <translation>Uma das partes iguais da entrada ao longo de um eixo (torch.chunk), p. ex. metade dos canais.</translation>
    </message>
    <message>
        <source>Number of parts.</source>
        <translation>Número de partes.</translation>
    </message>
    <message>
        <source>Which part (0 = the first).</source>
        <translation>Qual parte (0 = a primeira).</translation>
    </message>
    <message>
        <source>Axis to split (0 = channels).</source>
        <translation>Eixo da divisão (0 = canais).</translation>
    </message>
    <message>
        <source>index {value} is out of range: axis {value2} ({value3}) gives {count} parts</source>
        <translation>o índice {value} está fora do intervalo: o eixo {value2} ({value3}) dá {count} partes</translation>
    </message>
    <message>
        <source>Rearranges the values into another shape with the same number of values.</source>
        <translation>Reorganiza os valores em outro formato com o mesmo número de valores.</translation>
    </message>
    <message>
        <source>The new shape without the batch axis.</source>
        <translation>O novo formato sem o eixo do lote.</translation>
    </message>
    <message>
        <source>{value} has {value2} values, {value3} needs {value4}</source>
        <translation>{value} tem {value2} valores, {value3} precisa de {value4}</translation>
    </message>
    <message>
        <source>{shape} = {count} values, read in order and laid out as {out}; no parameters, nothing computed</source>
        <translation>{shape} = {count} valores, lidos em ordem e dispostos como {out}; sem parâmetros, nada é calculado</translation>
    </message>
    <message>
        <source>dims {dims} must list each axis of the {shape} input once: {every} in some order</source>
        <translation>dims {dims} deve listar cada eixo da entrada {shape} uma vez: {every} em alguma ordem</translation>
    </message>
    <message>
        <source>{shape} -&gt; {out}: {moves}; no parameters, the values are moved, not computed</source>
        <translation>{shape} -&gt; {out}: {moves}; sem parâmetros, os valores são movidos, não calculados</translation>
    </message>
    <message>
        <source>Reorders the axes (torch.permute), e.g. C x H x W to H x W x C (channels last); the batch axis stays first.</source>
        <translation>Reordena os eixos (torch.permute), p. ex. C x H x W para H x W x C (canais por último); o eixo do lote continua primeiro.</translation>
    </message>
    <message>
        <source>The input axes in their new order, without the batch axis (0 = the first).</source>
        <translation>Os eixos da entrada na nova ordem, sem o eixo do lote (0 = o primeiro).</translation>
    </message>
    <message>
        <source>An imported module kept as its original class (its code is imported, not drawn): shapes and counts as recorded at import.</source>
        <translation>Um módulo importado mantido como sua classe original (o código é importado, não desenhado): formatos e contagens como registrados na importação.</translation>
    </message>
    <message>
        <source>The class (or builder) as package.module.Name.</source>
        <translation>A classe (ou construtora) como pacote.módulo.Nome.</translation>
    </message>
    <message>
        <source>The constructor arguments as Python code.</source>
        <translation>Os argumentos do construtor como código Python.</translation>
    </message>
    <message>
        <source>The input shape it was imported for.</source>
        <translation>O formato de entrada para o qual foi importado.</translation>
    </message>
    <message>
        <source>Its output shape.</source>
        <translation>Seu formato de saída.</translation>
    </message>
    <message>
        <source>Its parameters (numel).</source>
        <translation>Seus parâmetros (numel).</translation>
    </message>
    <message>
        <source>Its multiply-accumulates per sample, as measured.</source>
        <translation>Suas multiplicações-acumulações por amostra, como medidas.</translation>
    </message>
    <message>
        <source>Where its class is defined (file:line).</source>
        <translation>Onde a classe é definida (arquivo:linha).</translation>
    </message>
    <message>
        <source>module must be package.module.Name, got {path!r}</source>
        <translation>o módulo deve ser pacote.módulo.Nome, recebeu {path!r}</translation>
    </message>
    <message>
        <source>the imported {value} was traced for input {value2}, gets {value3}</source>
        <translation>o {value} importado foi rastreado para a entrada {value2}, recebe {value3}</translation>
    </message>
    <message>
        <source>{value}: {value2} -&gt; {value3} (as imported)</source>
        <translation>{value}: {value2} -&gt; {value3} (como importado)</translation>
    </message>
    <message>
        <source>defined at {value}</source>
        <translation>definido em {value}</translation>
    </message>
</context>
<context>
    <name>Commands</name>
    <message>
        <source>Add {id}</source>
        <translation>Adicionar {id}</translation>
    </message>
    <message>
        <source>Delete {value}</source>
        <translation>Excluir {value}</translation>
    </message>
    <message>
        <source>Delete {value} blocks</source>
        <translation>Excluir {value} blocos</translation>
    </message>
    <message>
        <source>Set {layer}.{name}</source>
        <translation>Alterar {layer}.{name}</translation>
    </message>
    <message>
        <source>Freeze {layer}</source>
        <translation>Congelar {layer}</translation>
    </message>
    <message>
        <source>Unfreeze {layer}</source>
        <translation>Descongelar {layer}</translation>
    </message>
    <message>
        <source>Rename {old} to {new}</source>
        <translation>Renomear {old} para {new}</translation>
    </message>
    <message>
        <source>Connect {source} to {target}</source>
        <translation>Conectar {source} a {target}</translation>
    </message>
    <message>
        <source>Disconnect {source} from {target}</source>
        <translation>Desconectar {source} de {target}</translation>
    </message>
    <message>
        <source>Insert {id}</source>
        <translation>Inserir {id}</translation>
    </message>
    <message>
        <source>Clear {layer}&apos;s fixed weights</source>
        <translation>Limpar os pesos fixos de {layer}</translation>
    </message>
</context>
<context>
    <name>Composite</name>
    <message>
        <source>a block needs a name</source>
        <translation>um bloco precisa de um nome</translation>
    </message>
    <message>
        <source>a block name has at most {n} characters</source>
        <translation>um nome de bloco tem no máximo {n} caracteres</translation>
    </message>
    <message>
        <source>a block name is one line of printable characters</source>
        <translation>um nome de bloco é uma linha de caracteres imprimíveis</translation>
    </message>
    <message>
        <source>there is no group {path!r}</source>
        <translation>não há um grupo {path!r}</translation>
    </message>
    <message>
        <source>{label} holds the network&apos;s Input: a block cannot</source>
        <translation>{label} contém a Input da rede: um bloco não pode contê-la</translation>
    </message>
    <message>
        <source>{label} has {many} from outside: a block takes exactly one</source>
        <translation>{label} tem {many} vindas de fora: um bloco recebe exatamente uma</translation>
    </message>
    <message>
        <source>{label} has {n} outputs ({exits}): a block gives exactly one</source>
        <translation>{label} tem {n} saídas ({exits}): um bloco dá exatamente uma</translation>
    </message>
    <message>
        <source>{label}: the shape of its input {source!r} is unknown (fix the errors before it)</source>
        <translation>{label}: o formato da sua entrada {source!r} é desconhecido (corrija os erros antes dele)</translation>
    </message>
    <message>
        <source>{origin}: not valid JSON{where}</source>
        <translation>{origin}: JSON inválido{where}</translation>
    </message>
    <message>
        <source>{origin}: not a cnnstudio block (expected &quot;format&quot;: &quot;{format}&quot;)</source>
        <translation>{origin}: não é um bloco do cnnstudio (esperado &quot;format&quot;: &quot;{format}&quot;)</translation>
    </message>
    <message>
        <source>{origin}: &quot;version&quot; must be a positive integer</source>
        <translation>{origin}: &quot;version&quot; deve ser um inteiro positivo</translation>
    </message>
    <message>
        <source>{origin}: written by a newer cnnstudio (block format {version}): update cnnstudio</source>
        <translation>{origin}: escrito por um cnnstudio mais novo (formato de bloco {version}): atualize o cnnstudio</translation>
    </message>
    <message>
        <source>{origin}: &quot;name&quot; must be a string</source>
        <translation>{origin}: &quot;name&quot; deve ser um texto</translation>
    </message>
    <message>
        <source>{origin}: a block has exactly one Input (its entry)</source>
        <translation>{origin}: um bloco tem exatamente uma Input (sua entrada)</translation>
    </message>
    <message>
        <source>{origin}: &quot;output&quot; must name one of the block&apos;s layers</source>
        <translation>{origin}: &quot;output&quot; deve nomear uma das camadas do bloco</translation>
    </message>
    <message>
        <source>{origin}: the block has no layers</source>
        <translation>{origin}: o bloco não tem camadas</translation>
    </message>
    <message>
        <source>{origin}: layer {layer!r} is fed by {source!r}, which the block does not hold</source>
        <translation>{origin}: a camada {layer!r} é alimentada por {source!r}, que o bloco não contém</translation>
    </message>
    <message>
        <source>{origin}: the block&apos;s connections form a cycle</source>
        <translation>{origin}: as conexões do bloco formam um ciclo</translation>
    </message>
</context>
<context>
    <name>Crash</name>
    <message>
        <source>cnnstudio: unexpected error</source>
        <translation>cnnstudio: erro inesperado</translation>
    </message>
    <message>
        <source>Something went wrong inside cnnstudio. Your design is untouched and the app keeps running; saving your work now is a good idea.</source>
        <translation>Algo deu errado dentro do cnnstudio. Seu projeto não foi alterado e o aplicativo continua funcionando; é uma boa ideia salvar seu trabalho agora.</translation>
    </message>
</context>
<context>
    <name>ExportMenu</name>
    <message>
        <source>Python code</source>
        <translation>código Python</translation>
    </message>
    <message>
        <source>torch.export program</source>
        <translation>programa torch.export</translation>
    </message>
    <message>
        <source>training script</source>
        <translation>script de treinamento</translation>
    </message>
    <message>
        <source>{format} ({suffix})...</source>
        <translation>{format} ({suffix})...</translation>
    </message>
    <message>
        <source>&amp;Export</source>
        <translation>&amp;Exportar</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Exportar</translation>
    </message>
    <message>
        <source>Exported {names}</source>
        <translation>Exportado: {names}</translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>A exportação falhou</translation>
    </message>
    <message>
        <source>Export {format}</source>
        <translation>Exportar {format}</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>Todos os arquivos (*)</translation>
    </message>
</context>
<context>
    <name>FigureMenu</name>
    <message>
        <source>The whole network</source>
        <extracomment>What can be drawn: key -&gt; (menu text, allowed suffixes).</extracomment>
        <translation>A rede inteira</translation>
    </message>
    <message>
        <source>The selected blocks</source>
        <translation>Os blocos selecionados</translation>
    </message>
    <message>
        <source>Training curves</source>
        <translation>Curvas de treinamento</translation>
    </message>
    <message>
        <source>Confusion matrix and per-class accuracy</source>
        <translation>Matriz de confusão e acurácia por classe</translation>
    </message>
    <message>
        <source>SVG (vector, for slides)</source>
        <translation>SVG (vetorial, para slides)</translation>
    </message>
    <message>
        <source>PDF (vector)</source>
        <translation>PDF (vetorial)</translation>
    </message>
    <message>
        <source>PNG (picture)</source>
        <translation>PNG (imagem)</translation>
    </message>
    <message>
        <source>Export Figure</source>
        <translation>Exportar figura</translation>
    </message>
    <message>
        <source>Pixels per point of the picture: 2 is sharp on a projector</source>
        <translation>Pixels por ponto da imagem: 2 fica nítido em um projetor</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Procurar…</translation>
    </message>
    <message>
        <source>Drawn in the light theme, with the blocks as the canvas shows them.</source>
        <translation>Desenhada no tema claro, com os blocos como a área de desenho os mostra.</translation>
    </message>
    <message>
        <source>Draw</source>
        <translation>Desenhar</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>Formato</translation>
    </message>
    <message>
        <source>PNG scale</source>
        <translation>Escala do PNG</translation>
    </message>
    <message>
        <source>File</source>
        <translation>Arquivo</translation>
    </message>
    <message>
        <source>Export &amp;Figure…</source>
        <translation>Exportar &amp;figura…</translation>
    </message>
    <message>
        <source>Save the network or the training charts as SVG, PDF or PNG for slides</source>
        <translation>Salvar a rede ou os gráficos do treinamento como SVG, PDF ou PNG para slides</translation>
    </message>
    <message>
        <source>Figure saved to {path}</source>
        <translation>Figura salva em {path}</translation>
    </message>
</context>
<context>
    <name>Figures</name>
    <message>
        <source>cnnstudio charts</source>
        <extracomment>What File ▸ Export Figure ▸ Network writes, by suffix. What the chart figures can be: pyqtgraph exports pictures and SVG. Blank space around the blocks, in scene units. PNG pixels per scene unit unless the user chooses (2: sharp on a projector and in print). Larger pictures would need gigabytes of memory; say so instead of trying.</extracomment>
        <translation>gráficos do cnnstudio</translation>
    </message>
</context>
<context>
    <name>FileGuard</name>
    <message>
        <source>&amp;Reload</source>
        <translation>&amp;Recarregar</translation>
    </message>
    <message>
        <source>&amp;Overwrite</source>
        <translation>&amp;Sobrescrever</translation>
    </message>
    <message>
        <source>Save &amp;As…</source>
        <translation>Salvar &amp;como…</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>Dispensar</translation>
    </message>
    <message>
        <source>Cannot reload the file</source>
        <translation>Não foi possível recarregar o arquivo</translation>
    </message>
    <message>
        <source>Reloaded {path}</source>
        <translation>Recarregado: {path}</translation>
    </message>
    <message>
        <source>File changed on disk</source>
        <translation>Arquivo alterado no disco</translation>
    </message>
    <message>
        <source>{name} was changed on disk by another program (at {when}) since you opened or last saved it here.</source>
        <translation>{name} foi alterado no disco por outro programa (em {when}) depois que você o abriu ou salvou aqui pela última vez.</translation>
    </message>
    <message>
        <source>Overwrite replaces those changes with yours; Save As keeps both; Reload opens the file as it is now and drops your unsaved changes.</source>
        <translation>Sobrescrever substitui essas alterações pelas suas; Salvar como mantém as duas; Recarregar abre o arquivo como está agora e descarta suas alterações não salvas.</translation>
    </message>
</context>
<context>
    <name>FixedWeights</name>
    <message>
        <source>{lid}: a {layer_type} has no parameters whose values a design can fix</source>
        <translation>{lid}: uma {layer_type} não tem parâmetros cujos valores um projeto possa fixar</translation>
    </message>
    <message>
        <source>{lid}: fixed weights name {name!r}, which the layer has not (it has {known})</source>
        <translation>{lid}: os pesos fixos nomeiam {name!r}, que a camada não tem (ela tem {known})</translation>
    </message>
    <message>
        <source>{lid}: the fixed {name} is {shape}, the layer&apos;s {name} is {wanted}</source>
        <translation>{lid}: o {name} fixo é {shape}, o {name} da camada é {wanted}</translation>
    </message>
</context>
<context>
    <name>GraphRules</name>
    <message>
        <source>a block cannot feed itself</source>
        <translation>um bloco não pode alimentar a si mesmo</translation>
    </message>
    <message>
        <source>{target} is an Input layer and takes no inputs</source>
        <translation>{target} é uma camada Input e não recebe entradas</translation>
    </message>
    <message>
        <source>connecting {source} to {target} would make a loop</source>
        <translation>conectar {source} a {target} formaria um ciclo</translation>
    </message>
    <message>
        <source>Disconnect</source>
        <translation>Desconectar</translation>
    </message>
</context>
<context>
    <name>Groups</name>
    <message>
        <source>Conv {size} {value}</source>
        <translation>Conv {size} {value}</translation>
    </message>
</context>
<context>
    <name>ImportDialog</name>
    <message>
        <source>Import a model</source>
        <translation>Importar um modelo</translation>
    </message>
    <message>
        <source>A torchvision classification model</source>
        <translation>Um modelo de classificação do torchvision</translation>
    </message>
    <message>
        <source>Search, e.g. resnet, mobilenet, efficientnet</source>
        <translation>Pesquisar, p. ex. resnet, mobilenet, efficientnet</translation>
    </message>
    <message>
        <source>A file: FILE.py (a module class or function) or FILE.pt2</source>
        <translation>Um arquivo: ARQUIVO.py (uma classe de módulo ou função) ou ARQUIVO.pt2</translation>
    </message>
    <message>
        <source>path/to/model.py or model.pt2</source>
        <translation>caminho/para/modelo.py ou modelo.pt2</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Procurar…</translation>
    </message>
    <message>
        <source>class or function in the .py file, e.g. Net</source>
        <translation>classe ou função no arquivo .py, p. ex. Net</translation>
    </message>
    <message>
        <source>Name in the file:</source>
        <translation>Nome no arquivo:</translation>
    </message>
    <message>
        <source>The input shape without the batch axis: C,H,W</source>
        <translation>O formato da entrada sem o eixo do lote: C,H,W</translation>
    </message>
    <message>
        <source>Input shape:</source>
        <translation>Formato da entrada:</translation>
    </message>
    <message>
        <source>Load torchvision&apos;s pretrained weights</source>
        <translation>Carregar os pesos pré-treinados do torchvision</translation>
    </message>
    <message>
        <source>the import failed unexpectedly: {error}</source>
        <translation>a importação falhou inesperadamente: {error}</translation>
    </message>
    <message>
        <source>&amp;Import…</source>
        <translation>&amp;Importar…</translation>
    </message>
    <message>
        <source>Import a torchvision model, a PyTorch module or a .pt2 program</source>
        <translation>Importar um modelo do torchvision, um módulo PyTorch ou um programa .pt2</translation>
    </message>
    <message>
        <source>Replace &amp;Classifier (transfer learning)…</source>
        <translation>Substituir o &amp;classificador (aprendizado por transferência)…</translation>
    </message>
    <message>
        <source>Give the classifier the dataset&apos;s number of classes and freeze every layer before it</source>
        <translation>Dá ao classificador o número de classes do conjunto de dados e congela todas as camadas antes dele</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>Importar</translation>
    </message>
    <message>
        <source>Replace classifier</source>
        <translation>Substituir o classificador</translation>
    </message>
    <message>
        <source>{layer} now has {n} outputs; the layers before it are frozen</source>
        <translation>{layer} agora tem {n} saídas; as camadas antes dela estão congeladas</translation>
    </message>
    <message>
        <source>Classes in your dataset:</source>
        <translation>Classes do seu conjunto de dados:</translation>
    </message>
    <message>
        <source>verified</source>
        <translation>verificado</translation>
    </message>
    <message>
        <source>NOT verified</source>
        <translation>NÃO verificado</translation>
    </message>
    <message>
        <source>Imported {source}: {status}</source>
        <translation>Importado {source}: {status}</translation>
    </message>
    <message>
        <source>Import failed</source>
        <translation>A importação falhou</translation>
    </message>
</context>
<context>
    <name>Insight</name>
    <message>
        <source>Occlusion (Zeiler &amp; Fergus)</source>
        <translation>Oclusão (Zeiler &amp; Fergus)</translation>
    </message>
    <message>
        <source>Saliency (input gradient)</source>
        <translation>Saliência (gradiente da entrada)</translation>
    </message>
    <message>
        <source>Grad-CAM (last Conv block)</source>
        <translation>Grad-CAM (último bloco Conv)</translation>
    </message>
    <message>
        <source>The class whose evidence is shown (default: the predicted one)</source>
        <extracomment>How the view has a job run off the GUI thread: ``run(fn, receiver)``.</extracomment>
        <translation>A classe cujas evidências são mostradas (padrão: a prevista)</translation>
    </message>
    <message>
        <source>Method:</source>
        <translation>Método:</translation>
    </message>
    <message>
        <source>Class:</source>
        <translation>Classe:</translation>
    </message>
    <message>
        <source>Pick a method: the heat map shows where the network looks.</source>
        <translation>Escolha um método: o mapa de calor mostra para onde a rede olha.</translation>
    </message>
    <message>
        <source>computing…</source>
        <translation>calculando…</translation>
    </message>
    <message>
        <source>Where the network finds class {name} (bright = strong evidence).</source>
        <translation>Onde a rede encontra a classe {name} (claro = evidência forte).</translation>
    </message>
    <message>
        <source>Input</source>
        <extracomment>Channels shown before the user ticks &quot;show all&quot; (a 8x8 grid stays readable).</extracomment>
        <translation>Entrada</translation>
    </message>
    <message>
        <source>Show all channels</source>
        <translation>Mostrar todos os canais</translation>
    </message>
    <message>
        <source>Show every channel instead of the first {n} (slower to draw)</source>
        <translation>Mostrar todos os canais em vez dos {n} primeiros (mais lento para desenhar)</translation>
    </message>
    <message>
        <source>Click a block on the canvas to see what it computes for this sample.</source>
        <translation>Clique em um bloco na área de desenho para ver o que ele calcula para esta amostra.</translation>
    </message>
    <message>
        <source>channel {channel}  ·  {shape}
min {lo} · max {hi} · mean {mean}</source>
        <translation>canal {channel}  ·  {shape}
mín {lo} · máx {hi} · média {mean}</translation>
    </message>
    <message>
        <source>channel {i}: {lo} … {hi}</source>
        <translation>canal {i}: {lo} … {hi}</translation>
    </message>
    <message>
        <source>Show all</source>
        <extracomment>Input channels (rows) shown per filter before &quot;show all&quot;.</extracomment>
        <translation>Mostrar tudo</translation>
    </message>
    <message>
        <source>Show every filter and input channel (slower to draw)</source>
        <translation>Mostrar todos os filtros e canais de entrada (mais lento para desenhar)</translation>
    </message>
    <message>
        <source>Click a Conv block on the canvas to see its learned kernels.</source>
        <translation>Clique em um bloco Conv na área de desenho para ver seus kernels aprendidos.</translation>
    </message>
    <message>
        <source>filter {i}: |w| ≤ {peak}</source>
        <translation>filtro {i}: |w| ≤ {peak}</translation>
    </message>
    <message>
        <source>filter {i}, input channel {row}: |w| ≤ {peak}</source>
        <translation>filtro {i}, canal de entrada {row}: |w| ≤ {peak}</translation>
    </message>
    <message>
        <source>{dataset} has no validation images to show</source>
        <extracomment>Validation images per statistics batch (enough for stable means, cheap at an epoch end).</extracomment>
        <translation>{dataset} não tem imagens de validação para mostrar</translation>
    </message>
    <message>
        <source>{dataset} validation image {i} of {n}, class {truth}</source>
        <translation>imagem de validação {i} de {n} de {dataset}, classe {truth}</translation>
    </message>
    <message>
        <source>cannot read image {name}: {reason}</source>
        <translation>não é possível ler a imagem {name}: {reason}</translation>
    </message>
    <message>
        <source>{name} (normalized like {dataset})</source>
        <translation>{name} (normalizada como {dataset})</translation>
    </message>
    <message>
        <source>no model to show: neither a run nor a design</source>
        <translation>nenhum modelo para mostrar: nem uma execução nem um projeto</translation>
    </message>
    <message>
        <source>Layer</source>
        <translation>Camada</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Tipo</translation>
    </message>
    <message>
        <source>Output</source>
        <translation>Saída</translation>
    </message>
    <message>
        <source>Mean</source>
        <translation>Média</translation>
    </message>
    <message>
        <source>Std</source>
        <translation>Desvio padrão</translation>
    </message>
    <message>
        <source>Dead units</source>
        <translation>Unidades mortas</translation>
    </message>
    <message>
        <source>Statistics appear after each training epoch (or open this tab to compute them for the initial weights).</source>
        <translation>As estatísticas aparecem depois de cada época de treinamento (ou abra esta aba para calculá-las com os pesos iniciais).</translation>
    </message>
    <message>
        <source>{percent} % of {layer}&apos;s units are &lt;= 0 for every image of the batch: they pass no signal and get no gradient</source>
        <translation>{percent} % das unidades de {layer} são &lt;= 0 para todas as imagens do lote: não passam sinal e não recebem gradiente</translation>
    </message>
    <message>
        <source>{layer} gives the same value for every image</source>
        <translation>{layer} dá o mesmo valor para todas as imagens</translation>
    </message>
    <message>
        <source>Index of the validation image shown</source>
        <extracomment>File name endings accepted as images (open and drop).</extracomment>
        <translation>Índice da imagem de validação mostrada</translation>
    </message>
    <message>
        <source>Random</source>
        <translation>Aleatória</translation>
    </message>
    <message>
        <source>Show a random validation image</source>
        <translation>Mostrar uma imagem de validação aleatória</translation>
    </message>
    <message>
        <source>Open image…</source>
        <translation>Abrir imagem…</translation>
    </message>
    <message>
        <source>Use an image file as the sample (or drop one onto this dock)</source>
        <translation>Usar um arquivo de imagem como amostra (ou solte um neste painel)</translation>
    </message>
    <message>
        <source>Sample</source>
        <translation>Amostra</translation>
    </message>
    <message>
        <source>Feature maps</source>
        <translation>Mapas de características</translation>
    </message>
    <message>
        <source>Filters</source>
        <translation>Filtros</translation>
    </message>
    <message>
        <source>Prediction</source>
        <translation>Predição</translation>
    </message>
    <message>
        <source>Why?</source>
        <translation>Por quê?</translation>
    </message>
    <message>
        <source>Layer statistics</source>
        <translation>Estatísticas das camadas</translation>
    </message>
    <message>
        <source>trained weights after epoch {n}</source>
        <translation>pesos treinados depois da época {n}</translation>
    </message>
    <message>
        <source>trained weights of the last run</source>
        <translation>pesos treinados da última execução</translation>
    </message>
    <message>
        <source>design changed since the run: </source>
        <translation>o projeto mudou desde a execução: </translation>
    </message>
    <message>
        <source>initial weights (seed 0)</source>
        <translation>pesos iniciais (semente 0)</translation>
    </message>
    <message>
        <source>1 error</source>
        <translation>1 erro</translation>
    </message>
    <message>
        <source>{n} errors</source>
        <translation>{n} erros</translation>
    </message>
    <message>
        <source> First: {message}</source>
        <translation> Primeiro: {message}</translation>
    </message>
    <message>
        <source>The design has errors, so it cannot run: fix them to see what the blocks compute ({count}).</source>
        <translation>O projeto tem erros e não pode ser executado: corrija-os para ver o que os blocos calculam ({count}).</translation>
    </message>
    <message>
        <source>no result</source>
        <translation>sem resultado</translation>
    </message>
    <message>
        <source>Cannot show feature maps: {reason}</source>
        <translation>Não foi possível mostrar os mapas de características: {reason}</translation>
    </message>
    <message>
        <source>Cannot predict: {reason}</source>
        <translation>Não foi possível prever: {reason}</translation>
    </message>
    <message>
        <source>Input
(as the network sees it)</source>
        <translation>Entrada
(como a rede a vê)</translation>
    </message>
    <message>
        <source>{layer} is not computed by this model: it does not lead to the output</source>
        <translation>{layer} não é calculado por este modelo: não leva à saída</translation>
    </message>
    <message>
        <source>{layer} is not part of the trained model</source>
        <translation>{layer} não faz parte do modelo treinado</translation>
    </message>
    <message>
        <source>{layer} is a {type}: </source>
        <translation>{layer} é um {type}: </translation>
    </message>
    <message>
        <source>block</source>
        <translation>bloco</translation>
    </message>
    <message>
        <source>click a Conv block to see its learned kernels.</source>
        <translation>clique em um bloco Conv para ver seus kernels aprendidos.</translation>
    </message>
    <message>
        <source>Reading the kernels of {layer}…</source>
        <translation>Lendo os kernels de {layer}…</translation>
    </message>
    <message>
        <source>The network&apos;s output is not a vector of class scores.</source>
        <translation>A saída da rede não é um vetor de pontuações de classes.</translation>
    </message>
    <message>
        <source>The network&apos;s output is not a vector of class scores, so there is nothing to rank.</source>
        <translation>A saída da rede não é um vetor de pontuações de classes, então não há o que ordenar.</translation>
    </message>
    <message>
        <source>Weights: {weights}</source>
        <translation>Pesos: {weights}</translation>
    </message>
    <message>
        <source>Cannot show kernels: {reason}</source>
        <translation>Não foi possível mostrar os kernels: {reason}</translation>
    </message>
    <message>
        <source>{n} {dataset} validation images, initial weights (seed 0)</source>
        <translation>{n} imagens de validação de {dataset}, pesos iniciais (semente 0)</translation>
    </message>
    <message>
        <source>Cannot compute statistics: {reason}</source>
        <translation>Não foi possível calcular as estatísticas: {reason}</translation>
    </message>
    <message>
        <source>Activations over {caption}.</source>
        <translation>Ativações sobre {caption}.</translation>
    </message>
    <message>
        <source>{n} {dataset} validation images after epoch {epoch}</source>
        <translation>{n} imagens de validação de {dataset} depois da época {epoch}</translation>
    </message>
    <message>
        <source>Open an image</source>
        <translation>Abrir uma imagem</translation>
    </message>
    <message>
        <source>Predict an image file (or drop one onto this dock)</source>
        <translation>Prever um arquivo de imagem (ou solte um neste painel)</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>Classe</translation>
    </message>
    <message>
        <source>Probability</source>
        <translation>Probabilidade</translation>
    </message>
    <message>
        <source>Open or drop an image to see the network&apos;s top-5 classes.</source>
        <translation>Abra ou solte uma imagem para ver as 5 classes mais prováveis segundo a rede.</translation>
    </message>
</context>
<context>
    <name>Inspector</name>
    <message>
        <source>Select a block on the canvas to see and edit its parameters.

Drag a block from the palette, or open a template from File ▸ New from Template.</source>
        <translation>Selecione um bloco na área de desenho para ver e editar seus parâmetros.

Arraste um bloco da paleta ou abra um modelo pronto em Arquivo ▸ Novo a partir de modelo.</translation>
    </message>
    <message>
        <source>default {value}</source>
        <translation>padrão {value}</translation>
    </message>
    <message>
        <source>{n} blocks selected.

Select a single block to edit it.</source>
        <translation>{n} blocos selecionados.

Selecione um único bloco para editá-lo.</translation>
    </message>
    <message>
        <source>The layer&apos;s name; it becomes the attribute name in exported code.</source>
        <translation>O nome da camada; vira o nome do atributo no código exportado.</translation>
    </message>
    <message>
        <source>id</source>
        <translation>id</translation>
    </message>
    <message>
        <source>optional text on the block</source>
        <translation>texto opcional no bloco</translation>
    </message>
    <message>
        <source>label</source>
        <translation>rótulo</translation>
    </message>
    <message>
        <source>frozen (not trained)</source>
        <translation>congelada (fixa)</translation>
    </message>
    <message>
        <source>Keep this layer&apos;s weights fixed during training (transfer learning).</source>
        <translation>Mantém fixos os pesos desta camada durante o treinamento (aprendizado por transferência).</translation>
    </message>
    <message>
        <source>The values of these parameters are set in the design, not by torch&apos;s initialisation; the exported code writes them into the module.</source>
        <translation>Os valores destes parâmetros são definidos no projeto, não pela inicialização do torch; o código exportado os escreve no módulo.</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>Limpar</translation>
    </message>
    <message>
        <source>Let torch initialise these parameters again</source>
        <translation>Deixar o torch inicializar estes parâmetros novamente</translation>
    </message>
    <message>
        <source>fixed</source>
        <translation>fixos</translation>
    </message>
    <message>
        <source>error: {message}</source>
        <translation>erro: {message}</translation>
    </message>
    <message>
        <source>warning: {message}</source>
        <translation>aviso: {message}</translation>
    </message>
    <message>
        <source>Apply this repair as one undoable step</source>
        <translation>Aplicar este reparo como um passo que pode ser desfeito</translation>
    </message>
</context>
<context>
    <name>Lab</name>
    <message>
        <source>Convolution &amp;Lab</source>
        <translation>&amp;Laboratório de convolução</translation>
    </message>
    <message>
        <source>Slide a kernel over an image and see every output pixel as a sum of products</source>
        <translation>Deslize um kernel sobre uma imagem e veja cada pixel de saída como uma soma de produtos</translation>
    </message>
    <message>
        <source>Convolution Lab — cnnstudio</source>
        <extracomment>Images larger than this (either side) are scaled down when opened: the lab is for looking at every pixel, and a 28x28 digit or a 64x64 photo is what the lectures slide over. Emitted after each recomputation, with the result (a Convolution or Pooling) or None.</extracomment>
        <translation>Laboratório de convolução — cnnstudio</translation>
    </message>
    <message>
        <source>Convolution</source>
        <translation>Convolução</translation>
    </message>
    <message>
        <source>Max pooling</source>
        <translation>Agrupamento máximo (max pooling)</translation>
    </message>
    <message>
        <source>Average pooling</source>
        <translation>Agrupamento pela média (average pooling)</translation>
    </message>
    <message>
        <source>Min pooling</source>
        <translation>Agrupamento mínimo (min pooling)</translation>
    </message>
    <message>
        <source>Operation</source>
        <translation>Operação</translation>
    </message>
    <message>
        <source>Input</source>
        <translation>Entrada</translation>
    </message>
    <message>
        <source>Typed matrix</source>
        <translation>Matriz digitada</translation>
    </message>
    <message>
        <source>Type or paste numbers: one row a line, e.g. 1 2 3</source>
        <translation>Digite ou cole números: uma linha da matriz por linha, p. ex. 1 2 3</translation>
    </message>
    <message>
        <source>Open Image…</source>
        <translation>Abrir imagem…</translation>
    </message>
    <message>
        <source>Use a picture, scaled to at most {n} px, in grey</source>
        <translation>Usar uma imagem, reduzida a no máximo {n} px, em tons de cinza</translation>
    </message>
    <message>
        <source>Use Sample</source>
        <translation>Usar amostra</translation>
    </message>
    <message>
        <source>Use the sample shown in the Feature maps panel</source>
        <translation>Usar a amostra mostrada no painel Mapas de características</translation>
    </message>
    <message>
        <source>Kernel</source>
        <translation>Kernel</translation>
    </message>
    <message>
        <source>Typed kernel</source>
        <translation>Kernel digitado</translation>
    </message>
    <message>
        <source>e.g. 1 0 -1 (one row a line); fractions like 1/16 work</source>
        <translation>p. ex. 1 0 -1 (uma linha da matriz por linha); frações como 1/16 funcionam</translation>
    </message>
    <message>
        <source>A Conv block of the design: its learned (or initial) filter</source>
        <translation>Um bloco Conv do projeto: seu filtro aprendido (ou inicial)</translation>
    </message>
    <message>
        <source>filter </source>
        <translation>filtro </translation>
    </message>
    <message>
        <source>Use Filter</source>
        <translation>Usar filtro</translation>
    </message>
    <message>
        <source>Add to Design as Frozen Conv</source>
        <translation>Adicionar ao projeto como Conv congelada</translation>
    </message>
    <message>
        <source>Add a frozen Conv with this kernel (stride, padding, dilation and bias as set here) after the block selected in the designer, or after the Input; on several channels it reads their mean. Undo in the designer removes it.</source>
        <translation>Adiciona uma Conv congelada com este kernel (passo, preenchimento, dilatação e viés como definidos aqui) depois do bloco selecionado no editor, ou depois da Input; com vários canais, ela lê a média deles. Desfazer no editor a remove.</translation>
    </message>
    <message>
        <source>Sliding</source>
        <translation>Deslizamento</translation>
    </message>
    <message>
        <source>Window</source>
        <translation>Janela</translation>
    </message>
    <message>
        <source>Stride</source>
        <translation>Passo</translation>
    </message>
    <message>
        <source>Padding</source>
        <translation>Preenchimento</translation>
    </message>
    <message>
        <source>Padding mode</source>
        <translation>Modo de preenchimento</translation>
    </message>
    <message>
        <source>Dilation</source>
        <translation>Dilatação</translation>
    </message>
    <message>
        <source>Bias</source>
        <translation>Viés</translation>
    </message>
    <message>
        <source>Step through</source>
        <translation>Percorrer</translation>
    </message>
    <message>
        <source>First</source>
        <translation>Início</translation>
    </message>
    <message>
        <source>First position (Home)</source>
        <translation>Primeira posição (Home)</translation>
    </message>
    <message>
        <source>◀ Back</source>
        <translation>◀ Voltar</translation>
    </message>
    <message>
        <source>Previous position (Left)</source>
        <translation>Posição anterior (Esquerda)</translation>
    </message>
    <message>
        <source>▶ Play</source>
        <translation>▶ Reproduzir</translation>
    </message>
    <message>
        <source>Slide the kernel by itself (Space)</source>
        <translation>Deslizar o kernel sozinho (Espaço)</translation>
    </message>
    <message>
        <source>Next ▶</source>
        <translation>Próximo ▶</translation>
    </message>
    <message>
        <source>Next position (Right)</source>
        <translation>Próxima posição (Direita)</translation>
    </message>
    <message>
        <source> positions/s</source>
        <translation> posições/s</translation>
    </message>
    <message>
        <source>Input (padded)</source>
        <translation>Entrada (com preenchimento)</translation>
    </message>
    <message>
        <source>Output</source>
        <translation>Saída</translation>
    </message>
    <message>
        <source>Hatched grey: padding · red cross-hatch: pixels the stride never reaches · outline: the window of the current output pixel · orange: the value pooling takes</source>
        <translation>Cinza hachurado: preenchimento · hachura cruzada vermelha: pixels que o passo nunca alcança · contorno: a janela do pixel de saída atual · laranja: o valor que o agrupamento escolhe</translation>
    </message>
    <message>
        <source>Next position</source>
        <translation>Próxima posição</translation>
    </message>
    <message>
        <source>Previous position</source>
        <translation>Posição anterior</translation>
    </message>
    <message>
        <source>First position</source>
        <translation>Primeira posição</translation>
    </message>
    <message>
        <source>Last position</source>
        <translation>Última posição</translation>
    </message>
    <message>
        <source>Play or pause</source>
        <translation>Reproduzir ou pausar</translation>
    </message>
    <message>
        <source>Output height: {heights}
Output width: {widths}</source>
        <translation>Altura da saída: {heights}
Largura da saída: {widths}</translation>
    </message>
    <message>
        <source>Output ({row}, {col}), position {n} of {total}</source>
        <translation>Saída ({row}, {col}), posição {n} de {total}</translation>
    </message>
    <message>
        <source> (all {n} channels; the views show channel 1)</source>
        <translation> (todos os {n} canais; as vistas mostram o canal 1)</translation>
    </message>
    <message>
        <source>⏸ Pause</source>
        <translation>⏸ Pausar</translation>
    </message>
    <message>
        <source>A {shape} picture is in use; type to replace it</source>
        <translation>Uma imagem {shape} está em uso; digite para substituí-la</translation>
    </message>
    <message>
        <source>{name}: not an image Qt can read</source>
        <translation>{name}: não é uma imagem que o Qt consiga ler</translation>
    </message>
    <message>
        <source>Open Image</source>
        <translation>Abrir imagem</translation>
    </message>
    <message>
        <source>No sample yet: open the Feature maps panel and pick a sample first</source>
        <translation>Ainda não há amostra: abra o painel Mapas de características e escolha uma amostra primeiro</translation>
    </message>
    <message>
        <source>(no valid 2-D Conv block)</source>
        <translation>(nenhum bloco Conv 2-D válido)</translation>
    </message>
    <message>
        <source>{kernel} (fixed)</source>
        <translation>{kernel} (fixo)</translation>
    </message>
    <message>
        <source>Added the frozen Conv {new_id} after {after} (Undo in the designer removes it).</source>
        <translation>Conv congelada {new_id} adicionada depois de {after} (Desfazer no editor a remove).</translation>
    </message>
    <message>
        <source>Reading the filters of {conv}…</source>
        <translation>Lendo os filtros de {conv}…</translation>
    </message>
    <message>
        <source>initial weights (seed 0)</source>
        <translation>pesos iniciais (semente 0)</translation>
    </message>
    <message>
        <source>trained weights after epoch {n}</source>
        <translation>pesos treinados depois da época {n}</translation>
    </message>
    <message>
        <source>{conv} is not a 2-D convolution</source>
        <translation>{conv} não é uma convolução 2-D</translation>
    </message>
    <message>
        <source>{conv}, filter {n} of {total} ({where}): {channels} input channel(s), bias {bias}</source>
        <translation>{conv}, filtro {n} de {total} ({where}): {channels} canal(is) de entrada, viés {bias}</translation>
    </message>
    <message>
        <source>Identity</source>
        <translation>Identidade</translation>
    </message>
    <message>
        <source>Leaves the image as it is.</source>
        <translation>Deixa a imagem como está.</translation>
    </message>
    <message>
        <source>Box blur</source>
        <translation>Desfoque de caixa</translation>
    </message>
    <message>
        <source>The mean of the 3x3 neighbourhood: every weight 1/9.</source>
        <translation>A média da vizinhança 3x3: todos os pesos valem 1/9.</translation>
    </message>
    <message>
        <source>Gaussian blur</source>
        <translation>Desfoque gaussiano</translation>
    </message>
    <message>
        <source>A weighted mean, the centre counts most: (1 2 1; 2 4 2; 1 2 1) / 16.</source>
        <translation>Uma média ponderada, o centro pesa mais: (1 2 1; 2 4 2; 1 2 1) / 16.</translation>
    </message>
    <message>
        <source>Vertical edge</source>
        <translation>Borda vertical</translation>
    </message>
    <message>
        <source>Bright on the left, dark on the right gives a large positive value.</source>
        <translation>Claro à esquerda e escuro à direita dá um valor positivo grande.</translation>
    </message>
    <message>
        <source>Horizontal edge</source>
        <translation>Borda horizontal</translation>
    </message>
    <message>
        <source>Bright above, dark below gives a large positive value.</source>
        <translation>Claro em cima e escuro embaixo dá um valor positivo grande.</translation>
    </message>
    <message>
        <source>Sobel (vertical edges)</source>
        <translation>Sobel (bordas verticais)</translation>
    </message>
    <message>
        <source>A vertical-edge kernel that weights the centre row twice.</source>
        <translation>Um kernel de borda vertical que dá peso dobrado à linha central.</translation>
    </message>
    <message>
        <source>Sobel (horizontal edges)</source>
        <translation>Sobel (bordas horizontais)</translation>
    </message>
    <message>
        <source>A horizontal-edge kernel that weights the centre column twice.</source>
        <translation>Um kernel de borda horizontal que dá peso dobrado à coluna central.</translation>
    </message>
    <message>
        <source>Scharr (vertical edges)</source>
        <translation>Scharr (bordas verticais)</translation>
    </message>
    <message>
        <source>Sobel with weights 3, 10, 3: closer to a rotation-invariant gradient.</source>
        <translation>Sobel com pesos 3, 10, 3: mais próximo de um gradiente invariante à rotação.</translation>
    </message>
    <message>
        <source>Scharr (horizontal edges)</source>
        <translation>Scharr (bordas horizontais)</translation>
    </message>
    <message>
        <source>The horizontal-edge Scharr kernel.</source>
        <translation>O kernel de Scharr para bordas horizontais.</translation>
    </message>
    <message>
        <source>Sharpen</source>
        <translation>Nitidez</translation>
    </message>
    <message>
        <source>The centre minus its four neighbours, added back to the image.</source>
        <translation>O centro menos seus quatro vizinhos, somado de volta à imagem.</translation>
    </message>
    <message>
        <source>Emboss</source>
        <translation>Relevo</translation>
    </message>
    <message>
        <source>A diagonal gradient that makes the image look raised.</source>
        <translation>Um gradiente diagonal que faz a imagem parecer em relevo.</translation>
    </message>
    <message>
        <source>Laplacian (outline)</source>
        <translation>Laplaciano (contorno)</translation>
    </message>
    <message>
        <source>Responds to edges in every direction.</source>
        <translation>Responde a bordas em todas as direções.</translation>
    </message>
    <message>
        <source>6x6 vertical edge</source>
        <translation>Borda vertical 6x6</translation>
    </message>
    <message>
        <source>The classic example: a bright left half next to a dark right half.</source>
        <translation>O exemplo clássico: uma metade esquerda clara ao lado de uma metade direita escura.</translation>
    </message>
    <message>
        <source>6x6 horizontal edge</source>
        <translation>Borda horizontal 6x6</translation>
    </message>
    <message>
        <source>A bright top half above a dark bottom half.</source>
        <translation>Uma metade de cima clara sobre uma metade de baixo escura.</translation>
    </message>
    <message>
        <source>4x4 pooling example</source>
        <translation>Exemplo de agrupamento 4x4</translation>
    </message>
    <message>
        <source>Max pooling 2x2 with stride 2 gives 9 2 / 6 3.</source>
        <translation>Max pooling 2x2 com passo 2 dá 9 2 / 6 3.</translation>
    </message>
    <message>
        <source>5x5 grey patch</source>
        <translation>Recorte cinza 5x5</translation>
    </message>
    <message>
        <source>Pixel values 0 to 255, as a photo&apos;s pixels are.</source>
        <translation>Valores de pixel de 0 a 255, como os de uma foto.</translation>
    </message>
    <message>
        <source>7x7 diagonal line</source>
        <translation>Linha diagonal 7x7</translation>
    </message>
    <message>
        <source>A bright diagonal on a dark background, for edge kernels in both directions.</source>
        <translation>Uma diagonal clara sobre fundo escuro, para kernels de borda nas duas direções.</translation>
    </message>
    <message>
        <source>{name} must be a whole number or a pair of them, not {value!r}</source>
        <translation>{name} deve ser um número inteiro ou um par deles, não {value!r}</translation>
    </message>
    <message>
        <source>{name} must be at least {minimum}, not {value!r}</source>
        <translation>{name} deve ser pelo menos {minimum}, não {value!r}</translation>
    </message>
    <message>
        <source>the {name} must be a matrix of numbers</source>
        <translation>{name} deve ser uma matriz de números</translation>
    </message>
    <message>
        <source>the {name} must be a non-empty matrix (H x W) or channels x H x W</source>
        <translation>{name} deve ser uma matriz não vazia (H x W) ou canais x H x W</translation>
    </message>
    <message>
        <source>the {name} holds a value that is not a finite number</source>
        <translation>{name} contém um valor que não é um número finito</translation>
    </message>
    <message>
        <source>image</source>
        <translation>a imagem</translation>
    </message>
    <message>
        <source>kernel</source>
        <translation>o kernel</translation>
    </message>
    <message>
        <source>height</source>
        <translation>altura</translation>
    </message>
    <message>
        <source>width</source>
        <translation>largura</translation>
    </message>
    <message>
        <source>the kernel size</source>
        <translation>o tamanho do kernel</translation>
    </message>
    <message>
        <source>stride</source>
        <translation>o passo</translation>
    </message>
    <message>
        <source>padding</source>
        <translation>o preenchimento</translation>
    </message>
    <message>
        <source>dilation</source>
        <translation>a dilatação</translation>
    </message>
    <message>
        <source>the dilated kernel {name} {effective} is larger than the padded input {name} {span}</source>
        <translation>a {name} do kernel dilatado ({effective}) é maior que a {name} da entrada com preenchimento ({span})</translation>
    </message>
    <message>
        <source>the kernel {name} {effective} is larger than the padded input {name} {span}</source>
        <translation>a {name} do kernel ({effective}) é maior que a {name} da entrada com preenchimento ({span})</translation>
    </message>
    <message>
        <source>output pixel ({row}, {col}) is outside the {rows}x{cols} output</source>
        <translation>o pixel de saída ({row}, {col}) está fora da saída {rows}x{cols}</translation>
    </message>
    <message>
        <source>padding mode must be one of {modes}, not {padding_mode!r}</source>
        <translation>o modo de preenchimento deve ser um de {modes}, não {padding_mode!r}</translation>
    </message>
    <message>
        <source>reflect padding must be smaller than the input ({h}x{w}), not {ph}x{pw}</source>
        <translation>o preenchimento reflect deve ser menor que a entrada ({h}x{w}), não {ph}x{pw}</translation>
    </message>
    <message>
        <source>circular padding can be at most the input size ({h}x{w}), not {ph}x{pw}</source>
        <translation>o preenchimento circular pode ser no máximo o tamanho da entrada ({h}x{w}), não {ph}x{pw}</translation>
    </message>
    <message>
        <source>the kernel has {n} channel(s) but the image has {channels}; a filter needs one kernel matrix per input channel</source>
        <translation>o kernel tem {n} canal(is), mas a imagem tem {channels}; um filtro precisa de uma matriz de kernel por canal de entrada</translation>
    </message>
    <message>
        <source>the bias must be a finite number</source>
        <translation>o viés deve ser um número finito</translation>
    </message>
    <message>
        <source>pooling must be one of {kinds}, not {kind!r}</source>
        <translation>o agrupamento deve ser um de {kinds}, não {kind!r}</translation>
    </message>
    <message>
        <source>padding must be at most half the pooling window, as in torch</source>
        <translation>o preenchimento deve ser no máximo metade da janela de agrupamento, como no torch</translation>
    </message>
    <message>
        <source>row {row}: {token!r} divides by zero</source>
        <translation>linha {row}: {token!r} divide por zero</translation>
    </message>
    <message>
        <source>row {row}: {token!r} is not a number</source>
        <translation>linha {row}: {token!r} não é um número</translation>
    </message>
    <message>
        <source>the matrix is empty: type numbers separated by spaces, one row a line</source>
        <translation>a matriz está vazia: digite números separados por espaços, uma linha por linha da matriz</translation>
    </message>
    <message>
        <source>every row needs the same number of values (the rows have {counts})</source>
        <translation>toda linha precisa do mesmo número de valores (as linhas têm {counts})</translation>
    </message>
    <message>
        <source>the design has no layer {after!r}</source>
        <translation>o projeto não tem a camada {after!r}</translation>
    </message>
    <message>
        <source>{after}&apos;s output is {what}, not an image (channels x height x width): pick a block that outputs an image</source>
        <translation>a saída de {after} é {what}, não uma imagem (canais x altura x largura): escolha um bloco cuja saída seja uma imagem</translation>
    </message>
    <message>
        <source>padding mode {padding_mode!r} is not one of {modes}</source>
        <translation>o modo de preenchimento {padding_mode!r} não é um de {modes}</translation>
    </message>
    <message>
        <source>the kernel is {shape}, but {after} outputs 1 channel: use a 2-D kernel or a filter with 1 channels</source>
        <translation>o kernel é {shape}, mas {after} tem 1 canal de saída: use um kernel 2-D ou um filtro com 1 canal</translation>
    </message>
    <message>
        <source>the kernel is {shape}, but {after} outputs {channels} channels: use a 2-D kernel or a filter with {channels} channels</source>
        <translation>o kernel é {shape}, mas {after} tem {channels} canais de saída: use um kernel 2-D ou um filtro com {channels} canais</translation>
    </message>
    <message>
        <source>the kernel holds a number that is not finite</source>
        <translation>o kernel contém um número que não é finito</translation>
    </message>
    <message>
        <source>Add frozen Conv {id}</source>
        <translation>Adicionar Conv congelada {id}</translation>
    </message>
</context>
<context>
    <name>Limits</name>
    <message>
        <source>{lid}: its {params:,} parameters need {value} (float32), more than the {_LIMIT_TEXT} any machine can build</source>
        <translation>{lid}: seus {params:,} parâmetros precisam de {value} (float32), mais que os {_LIMIT_TEXT} que qualquer máquina consegue construir</translation>
    </message>
    <message>
        <source>{lid}: its output needs {value} for one image (float32), more than the {_LIMIT_TEXT} any machine can hold</source>
        <translation>{lid}: sua saída precisa de {value} para uma imagem (float32), mais que os {_LIMIT_TEXT} que qualquer máquina comporta</translation>
    </message>
    <message>
        <source>the model&apos;s {total_params:,} parameters need {need} (float32), more than the {_LIMIT_TEXT} any machine can build</source>
        <translation>os {total_params:,} parâmetros do modelo precisam de {need} (float32), mais que os {_LIMIT_TEXT} que qualquer máquina consegue construir</translation>
    </message>
    <message>
        <source>the layers&apos; outputs need {need} for one image (float32), more than the {_LIMIT_TEXT} any machine can hold</source>
        <translation>as saídas das camadas precisam de {need} para uma imagem (float32), mais que os {_LIMIT_TEXT} que qualquer máquina comporta</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>&amp;New</source>
        <translation>&amp;Novo</translation>
    </message>
    <message>
        <source>Start a new design</source>
        <translation>Começar um novo projeto</translation>
    </message>
    <message>
        <source>&amp;Open…</source>
        <translation>&amp;Abrir…</translation>
    </message>
    <message>
        <source>Open a design file</source>
        <translation>Abrir um arquivo de projeto</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>&amp;Salvar</translation>
    </message>
    <message>
        <source>Save the design</source>
        <translation>Salvar o projeto</translation>
    </message>
    <message>
        <source>Save &amp;As…</source>
        <translation>Salvar &amp;como…</translation>
    </message>
    <message>
        <source>Save the design under a new name</source>
        <translation>Salvar o projeto com outro nome</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>Sa&amp;ir</translation>
    </message>
    <message>
        <source>Close the window</source>
        <translation>Fechar a janela</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>&amp;Desfazer</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>&amp;Refazer</translation>
    </message>
    <message>
        <source>Cu&amp;t</source>
        <translation>Recor&amp;tar</translation>
    </message>
    <message>
        <source>Copy and delete the selection</source>
        <translation>Copiar e excluir a seleção</translation>
    </message>
    <message>
        <source>&amp;Copy</source>
        <translation>&amp;Copiar</translation>
    </message>
    <message>
        <source>Copy the selected blocks</source>
        <translation>Copiar os blocos selecionados</translation>
    </message>
    <message>
        <source>&amp;Paste</source>
        <translation>C&amp;olar</translation>
    </message>
    <message>
        <source>Paste copied blocks</source>
        <translation>Colar os blocos copiados</translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation>&amp;Excluir</translation>
    </message>
    <message>
        <source>Delete the selection</source>
        <translation>Excluir a seleção</translation>
    </message>
    <message>
        <source>Select &amp;All</source>
        <translation>Selecionar &amp;tudo</translation>
    </message>
    <message>
        <source>Select every block</source>
        <translation>Selecionar todos os blocos</translation>
    </message>
    <message>
        <source>Zoom &amp;In</source>
        <translation>&amp;Aumentar zoom</translation>
    </message>
    <message>
        <source>Zoom &amp;Out</source>
        <translation>Di&amp;minuir zoom</translation>
    </message>
    <message>
        <source>&amp;Fit</source>
        <translation>A&amp;justar</translation>
    </message>
    <message>
        <source>Show the whole network</source>
        <translation>Mostrar a rede inteira</translation>
    </message>
    <message>
        <source>Auto &amp;Layout</source>
        <translation>&amp;Organizar automaticamente</translation>
    </message>
    <message>
        <source>Arrange the blocks top-down (one undo step)</source>
        <translation>Organizar os blocos de cima para baixo (um passo de desfazer)</translation>
    </message>
    <message>
        <source>&amp;Validate</source>
        <translation>&amp;Validar</translation>
    </message>
    <message>
        <source>Select the first block with an error</source>
        <translation>Selecionar o primeiro bloco com erro</translation>
    </message>
    <message>
        <source>&amp;About cnnstudio</source>
        <translation>&amp;Sobre o cnnstudio</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Arquivo</translation>
    </message>
    <message>
        <source>New from &amp;Template</source>
        <translation>Novo a partir de &amp;modelo</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>Abrir &amp;recente</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>&amp;Editar</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>E&amp;xibir</translation>
    </message>
    <message>
        <source>&amp;Panels</source>
        <translation>&amp;Painéis</translation>
    </message>
    <message>
        <source>&amp;Theme</source>
        <translation>&amp;Tema</translation>
    </message>
    <message>
        <source>Follow the system</source>
        <translation>Seguir o sistema</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>Claro</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>Escuro</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>&amp;Idioma</translation>
    </message>
    <message>
        <source>&amp;Network</source>
        <translation>&amp;Rede</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>Aj&amp;uda</translation>
    </message>
    <message>
        <source>&amp;Keyboard Shortcuts</source>
        <translation>&amp;Atalhos de teclado</translation>
    </message>
    <message>
        <source>&amp;Documentation</source>
        <translation>&amp;Documentação</translation>
    </message>
    <message>
        <source>Main toolbar</source>
        <translation>Barra de ferramentas principal</translation>
    </message>
    <message>
        <source>&amp;Undo {action}</source>
        <translation>&amp;Desfazer {action}</translation>
    </message>
    <message>
        <source>&amp;Redo {action}</source>
        <translation>&amp;Refazer {action}</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>Desfazer</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>Refazer</translation>
    </message>
    <message>
        <source> known, 1 block unknown</source>
        <translation> conhecidos, 1 bloco desconhecido</translation>
    </message>
    <message>
        <source> known, {n} blocks unknown</source>
        <translation> conhecidos, {n} blocos desconhecidos</translation>
    </message>
    <message>
        <source>{params} params{known} ({trainable} trainable) · {macs} MACs · {mb} MB</source>
        <translation>{params} parâmetros{known} ({trainable} treináveis) · {macs} MACs · {mb} MB</translation>
    </message>
    <message>
        <source>{status} · step {size} (batch {batch})</source>
        <translation>{status} · passo de treino {size} (lote {batch})</translation>
    </message>
    <message>
        <source>fits in the {free} of memory free here (largest batch: {largest})</source>
        <translation>cabe nos {free} de memória livre aqui (maior lote: {largest})</translation>
    </message>
    <message>
        <source>does not fit in the {free} of memory free here (largest batch: {largest})</source>
        <translation>não cabe nos {free} de memória livre aqui (maior lote: {largest})</translation>
    </message>
    <message>
        <source>One training step (batch {batch}): weights {weights}, gradients {gradients}, optimizer {optimizer}, saved activations {activations}</source>
        <translation>Um passo de treinamento (lote {batch}): pesos {weights}, gradientes {gradients}, otimizador {optimizer}, ativações guardadas {activations}</translation>
    </message>
    <message>
        <source>1 error</source>
        <translation>1 erro</translation>
    </message>
    <message>
        <source>{n} errors</source>
        <translation>{n} erros</translation>
    </message>
    <message>
        <source>Click to select the first broken block.</source>
        <translation>Clique para selecionar o primeiro bloco com problema.</translation>
    </message>
    <message>
        <source>valid</source>
        <translation>válido</translation>
    </message>
    <message>
        <source>no output</source>
        <translation>sem saída</translation>
    </message>
    <message>
        <source>The design has no errors.</source>
        <translation>O projeto não tem erros.</translation>
    </message>
    <message>
        <source>The design has no output layer.</source>
        <translation>O projeto não tem camada de saída.</translation>
    </message>
    <message>
        <source>Cannot open the file</source>
        <translation>Não foi possível abrir o arquivo</translation>
    </message>
    <message>
        <source>Name the design</source>
        <translation>Dar nome ao projeto</translation>
    </message>
    <message>
        <source>Cannot save the file</source>
        <translation>Não foi possível salvar o arquivo</translation>
    </message>
    <message>
        <source>Saved {path}</source>
        <translation>Salvo: {path}</translation>
    </message>
    <message>
        <source>Clear the List</source>
        <translation>Limpar a lista</translation>
    </message>
    <message>
        <source>No recent files</source>
        <translation>Nenhum arquivo recente</translation>
    </message>
    <message>
        <source>The design is valid: no errors found.</source>
        <translation>O projeto é válido: nenhum erro encontrado.</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Idioma</translation>
    </message>
    <message>
        <source>cnnstudio will be in {language} the next time it starts.</source>
        <translation>O cnnstudio estará em {language} na próxima vez que for iniciado.</translation>
    </message>
    <message>
        <source>About cnnstudio</source>
        <translation>Sobre o cnnstudio</translation>
    </message>
    <message>
        <source>Design convolutional neural networks by dragging blocks, see every shape and parameter count as you edit, then train and export them to PyTorch.</source>
        <translation>Projete redes neurais convolucionais arrastando blocos, veja cada formato e contagem de parâmetros enquanto edita, depois treine e exporte para PyTorch.</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>Alterações não salvas</translation>
    </message>
    <message>
        <source>Save the changes to {name}?</source>
        <translation>Salvar as alterações em {name}?</translation>
    </message>
    <message>
        <source>Your changes will be lost if you don&apos;t save them.</source>
        <translation>Suas alterações serão perdidas se você não as salvar.</translation>
    </message>
    <message>
        <source>Open design</source>
        <translation>Abrir projeto</translation>
    </message>
    <message>
        <source>Save design</source>
        <translation>Salvar projeto</translation>
    </message>
</context>
<context>
    <name>MyBlocks</name>
    <message>
        <source>Save Group as Block</source>
        <translation>Salvar grupo como bloco</translation>
    </message>
    <message>
        <source>Save Group as &amp;Block…</source>
        <translation>Salvar grupo como &amp;bloco…</translation>
    </message>
    <message>
        <source>Keep the selected group as a reusable block under My blocks in the palette</source>
        <translation>Guardar o grupo selecionado como um bloco reutilizável em Meus blocos, na paleta</translation>
    </message>
    <message>
        <source>{name}: {n} layers (a saved group)</source>
        <translation>{name}: {n} camadas (um grupo salvo)</translation>
    </message>
    <message>
        <source>Select a group to save as a block first (Ctrl+G groups the selection)</source>
        <translation>Selecione antes um grupo para salvar como bloco (Ctrl+G agrupa a seleção)</translation>
    </message>
    <message>
        <source>Name of the block made of group {path}:</source>
        <translation>Nome do bloco feito do grupo {path}:</translation>
    </message>
    <message>
        <source>Cannot save {path} as a block: {err}</source>
        <translation>Não é possível salvar {path} como bloco: {err}</translation>
    </message>
    <message>
        <source>A block named {name!r} exists. Replace it?</source>
        <translation>Já existe um bloco chamado {name!r}. Substituí-lo?</translation>
    </message>
    <message>
        <source>Cannot write {file}: {reason}</source>
        <translation>Não é possível gravar {file}: {reason}</translation>
    </message>
    <message>
        <source>Saved {path} as the block {name!r} (palette ▸ My blocks)</source>
        <translation>{path} salvo como o bloco {name!r} (paleta ▸ Meus blocos)</translation>
    </message>
    <message>
        <source>There is no block {name!r} any more</source>
        <translation>O bloco {name!r} não existe mais</translation>
    </message>
    <message>
        <source>Rename Block</source>
        <translation>Renomear bloco</translation>
    </message>
    <message>
        <source>New name of {name}:</source>
        <translation>Novo nome de {name}:</translation>
    </message>
    <message>
        <source>Cannot rename {name}: {reason}</source>
        <translation>Não é possível renomear {name}: {reason}</translation>
    </message>
    <message>
        <source>Delete Block</source>
        <translation>Excluir bloco</translation>
    </message>
    <message>
        <source>Delete the block {name!r} from My blocks? Designs using it keep their copy.</source>
        <translation>Excluir o bloco {name!r} de Meus blocos? Os projetos que o usam mantêm sua cópia.</translation>
    </message>
    <message>
        <source>Cannot delete {name}: {reason}</source>
        <translation>Não é possível excluir {name}: {reason}</translation>
    </message>
</context>
<context>
    <name>Palette</name>
    <message>
        <source>My blocks</source>
        <translation>Meus blocos</translation>
    </message>
    <message>
        <source>(none yet)</source>
        <translation>(nenhum ainda)</translation>
    </message>
    <message>
        <source>Right-click a group on the canvas ▸ Save Group as Block… to keep it here</source>
        <translation>Clique com o botão direito em um grupo na área de desenho ▸ Salvar grupo como bloco… para guardá-lo aqui</translation>
    </message>
    <message>
        <source>Search blocks</source>
        <translation>Pesquisar blocos</translation>
    </message>
    <message>
        <source>Add to Design</source>
        <translation>Adicionar ao projeto</translation>
    </message>
    <message>
        <source>Rename…</source>
        <translation>Renomear…</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>Excluir…</translation>
    </message>
</context>
<context>
    <name>Panels</name>
    <message>
        <source>Palette</source>
        <extracomment>The dock layout&apos;s version in the saved state: a layout saved by an older version (a bottom dock too short for the Training tab&apos;s controls) is not restored, the new defaults apply.</extracomment>
        <translation>Paleta</translation>
    </message>
    <message>
        <source>Inspector</source>
        <translation>Inspetor</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>Resumo</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>Treinamento</translation>
    </message>
    <message>
        <source>Group</source>
        <translation>Grupo</translation>
    </message>
</context>
<context>
    <name>Parameters</name>
    <message>
        <source>shape</source>
        <translation>formato</translation>
    </message>
    <message>
        <source>out_channels</source>
        <translation>filtros</translation>
    </message>
    <message>
        <source>kernel_size</source>
        <translation>kernel</translation>
    </message>
    <message>
        <source>stride</source>
        <translation>passo</translation>
    </message>
    <message>
        <source>padding</source>
        <translation>preenchimento</translation>
    </message>
    <message>
        <source>padding_mode</source>
        <translation>modo preench.</translation>
    </message>
    <message>
        <source>dilation</source>
        <translation>dilatação</translation>
    </message>
    <message>
        <source>groups</source>
        <translation>grupos</translation>
    </message>
    <message>
        <source>bias</source>
        <translation>viés</translation>
    </message>
    <message>
        <source>ceil_mode</source>
        <translation>arredondar</translation>
    </message>
    <message>
        <source>out_features</source>
        <translation>unidades</translation>
    </message>
    <message>
        <source>p</source>
        <translation>p</translation>
    </message>
    <message>
        <source>eps</source>
        <translation>eps</translation>
    </message>
    <message>
        <source>momentum</source>
        <translation>momento</translation>
    </message>
    <message>
        <source>negative_slope</source>
        <translation>inclinação</translation>
    </message>
    <message>
        <source>alpha</source>
        <translation>alpha</translation>
    </message>
    <message>
        <source>dim</source>
        <translation>eixo</translation>
    </message>
    <message>
        <source>dims</source>
        <translation>eixos</translation>
    </message>
    <message>
        <source>output_size</source>
        <translation>saída</translation>
    </message>
    <message>
        <source>channels</source>
        <translation>por canais</translation>
    </message>
    <message>
        <source>affine</source>
        <translation>afim</translation>
    </message>
    <message>
        <source>mode</source>
        <translation>modo</translation>
    </message>
    <message>
        <source>chunks</source>
        <translation>partes</translation>
    </message>
    <message>
        <source>index</source>
        <translation>índice</translation>
    </message>
    <message>
        <source>module</source>
        <translation>módulo</translation>
    </message>
    <message>
        <source>args</source>
        <translation>argumentos</translation>
    </message>
    <message>
        <source>input_shape</source>
        <translation>entrada</translation>
    </message>
    <message>
        <source>output_shape</source>
        <translation>saída</translation>
    </message>
    <message>
        <source>param_count</source>
        <translation>parâmetros</translation>
    </message>
    <message>
        <source>macs</source>
        <translation>MACs</translation>
    </message>
    <message>
        <source>source</source>
        <translation>origem</translation>
    </message>
</context>
<context>
    <name>Params</name>
    <message>
        <source>&quot;{value}&quot;</source>
        <translation>&quot;{value}&quot;</translation>
    </message>
</context>
<context>
    <name>Sanity</name>
    <message>
        <source>ok  </source>
        <extracomment>Overfitting a tiny batch takes 2 to 16 samples, as the recipes suggest. The tiny batch counts as learned when its loss is below this and every sample is right. How far the initial loss may sit from ln(C), as a share of ln(C), before a hint is given.</extracomment>
        <translation>ok  </translation>
    </message>
    <message>
        <source>FAIL</source>
        <translation>FALHA</translation>
    </message>
    <message>
        <source>{value} loss at initialisation {init_loss:.3f}, expected ln({classes}) = {expected_init_loss:.3f}</source>
        <translation>{value} perda na inicialização {init_loss:.3f}, esperada ln({classes}) = {expected_init_loss:.3f}</translation>
    </message>
    <message>
        <source>{value} input matters: loss {data_loss:.3f} on the images vs {zero_loss:.3f} on all-zero inputs</source>
        <translation>{value} a entrada importa: perda {data_loss:.3f} nas imagens contra {zero_loss:.3f} com entradas todas zero</translation>
    </message>
    <message>
        <source>{value} overfit {samples} samples: loss {start_loss:.3f} -&gt; {loss:.4f} in {steps} steps</source>
        <translation>{value} sobreajuste de {samples} amostras: perda {start_loss:.3f} -&gt; {loss:.4f} em {steps} passos</translation>
    </message>
    <message>
        <source> — the network learns as well without its input: check the data</source>
        <translation> — a rede aprende igualmente bem sem a entrada: verifique os dados</translation>
    </message>
    <message>
        <source>{value} gradient flow: mean |grad| from {value2:.2e} ({weakest}) to {value3:.2e} ({strongest})</source>
        <translation>{value} fluxo de gradiente: |grad| médio de {value2:.2e} ({weakest}) a {value3:.2e} ({strongest})</translation>
    </message>
    <message>
        <source>the loss is not a number at initialisation: look for a layer that overflows</source>
        <translation>a perda não é um número na inicialização: procure uma camada que estoura</translation>
    </message>
    <message>
        <source>the last layer&apos;s bias is large at initialisation: start it at 0</source>
        <translation>o viés da última camada é grande na inicialização: comece-o em 0</translation>
    </message>
    <message>
        <source>the Softmax output is already confident at initialisation: the scores before it are large; scale down the last layer&apos;s weights</source>
        <translation>a saída Softmax já está confiante na inicialização: as pontuações antes dela são grandes; reduza os pesos da última camada</translation>
    </message>
    <message>
        <source>the network is confidently wrong at initialisation: its scores start large; scale down the last layer&apos;s weights (or add normalization before it)</source>
        <translation>a rede erra com confiança na inicialização: suas pontuações começam grandes; reduza os pesos da última camada (ou acrescente uma normalização antes dela)</translation>
    </message>
    <message>
        <source>lower than a uniform guess at initialisation: the classes may be very unbalanced, or the labels leak into the input</source>
        <translation>menor que um palpite uniforme na inicialização: as classes podem estar muito desbalanceadas, ou os rótulos vazam para a entrada</translation>
    </message>
    <message>
        <source>every layer is frozen: there is nothing to train (unfreeze at least the last one)</source>
        <translation>todas as camadas estão congeladas: não há o que treinar (descongele pelo menos a última)</translation>
    </message>
    <message>
        <source>{value} output 0 for every sample (dead ReLU): lower the learning rate or use LeakyReLU</source>
        <translation>{value} dão saída 0 para todas as amostras (ReLU morta): reduza a taxa de aprendizado ou use LeakyReLU</translation>
    </message>
    <message>
        <source>the gradient vanishes before {value}: a chain of Sigmoid or Tanh saturates; use ReLU or add BatchNorm</source>
        <translation>o gradiente desaparece antes de {value}: uma cadeia de Sigmoid ou Tanh satura; use ReLU ou acrescente BatchNorm</translation>
    </message>
    <message>
        <source>{sigmoids} Sigmoid/Tanh layers squash the gradient: use ReLU between the layers</source>
        <translation>{sigmoids} camadas Sigmoid/Tanh comprimem o gradiente: use ReLU entre as camadas</translation>
    </message>
    <message>
        <source>the loss did not reach the target within the step budget: train longer or raise the learning rate</source>
        <translation>a perda não chegou ao alvo dentro do orçamento de passos: treine por mais tempo ou aumente a taxa de aprendizado</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <source>Keyboard Shortcuts</source>
        <translation>Atalhos de teclado</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Ação</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>Teclas</translation>
    </message>
</context>
<context>
    <name>Summary</name>
    <message>
        <source>Layer</source>
        <translation>Camada</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Tipo</translation>
    </message>
    <message>
        <source>Output</source>
        <translation>Saída</translation>
    </message>
    <message>
        <source>Activations</source>
        <translation>Ativações</translation>
    </message>
    <message>
        <source>Activation size</source>
        <translation>Tamanho das ativações</translation>
    </message>
    <message>
        <source>Params</source>
        <translation>Parâmetros</translation>
    </message>
    <message>
        <source>MACs</source>
        <translation>MACs</translation>
    </message>
    <message>
        <source>Receptive field</source>
        <translation>Campo receptivo</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Situação</translation>
    </message>
    <message>
        <source>&lt;b&gt;Total&lt;/b&gt;: {params} params ({trainable} trainable, {frozen} frozen) · {macs} MACs ({all_macs}) · model size {mb} MB · activations {activations} per sample</source>
        <translation>&lt;b&gt;Total&lt;/b&gt;: {params} parâmetros ({trainable} treináveis, {frozen} congelados) · {macs} MACs ({all_macs}) · tamanho do modelo {mb} MB · ativações {activations} por amostra</translation>
    </message>
</context>
<context>
    <name>Templates</name>
    <message>
        <source>LeCun&apos;s digit recognizer, 1x32x32 -&gt; 10 classes</source>
        <translation>O reconhecedor de dígitos de LeCun, 1x32x32 -&gt; 10 classes</translation>
    </message>
    <message>
        <source>two conv/pool stages + Dense 1000, 1x28x28 -&gt; 10</source>
        <translation>duas etapas conv/agrupamento + Densa 1000, 1x28x28 -&gt; 10</translation>
    </message>
    <message>
        <source>ImageNet 2012 winner, 3x224x224 -&gt; 1000</source>
        <translation>vencedora da ImageNet 2012, 3x224x224 -&gt; 1000</translation>
    </message>
    <message>
        <source>13 3x3 convolutions in 5 blocks, 3x224x224 -&gt; 1000</source>
        <translation>13 convoluções 3x3 em 5 blocos, 3x224x224 -&gt; 1000</translation>
    </message>
    <message>
        <source>residual skip connections (Add), 3x224x224 -&gt; 1000</source>
        <translation>conexões residuais (Add), 3x224x224 -&gt; 1000</translation>
    </message>
    <message>
        <source>bottleneck residual blocks, 3x224x224 -&gt; 1000</source>
        <translation>blocos residuais com gargalo, 3x224x224 -&gt; 1000</translation>
    </message>
    <message>
        <source>Inception branches joined by Concat, 3x32x32 -&gt; 10</source>
        <translation>ramos Inception unidos por Concat, 3x32x32 -&gt; 10</translation>
    </message>
    <message>
        <source>16 3x3 convolutions in 5 blocks, 3x224x224 -&gt; 1000</source>
        <translation>16 convoluções 3x3 em 5 blocos, 3x224x224 -&gt; 1000</translation>
    </message>
    <message>
        <source>Inception v1: four-branch modules joined by Concat, 3x224x224 -&gt; 1000</source>
        <translation>Inception v1: módulos de quatro ramos unidos por Concat, 3x224x224 -&gt; 1000</translation>
    </message>
    <message>
        <source>inverted residuals with depthwise convolutions and ReLU6, 3x224x224 -&gt; 1000</source>
        <translation>resíduos invertidos com convoluções depthwise e ReLU6, 3x224x224 -&gt; 1000</translation>
    </message>
    <message>
        <source>depthwise blocks, squeeze-excite (Mul), Hardswish, 3x224x224 -&gt; 1000</source>
        <translation>blocos depthwise, squeeze-excite (Mul), Hardswish, 3x224x224 -&gt; 1000</translation>
    </message>
    <message>
        <source>the larger MobileNet V3, 3x224x224 -&gt; 1000</source>
        <translation>a MobileNet V3 maior, 3x224x224 -&gt; 1000</translation>
    </message>
    <message>
        <source>MBConv blocks with SiLU, squeeze-excite and stochastic depth, 3x224x224 -&gt; 1000</source>
        <translation>blocos MBConv com SiLU, squeeze-excite e profundidade estocástica, 3x224x224 -&gt; 1000</translation>
    </message>
</context>
<context>
    <name>Trainer</name>
    <message>
        <source>best val acc {acc} (epoch {epoch}, kept by accuracy)</source>
        <extracomment>What picks the best epoch (the weights kept, early stopping): lowest loss, highest accuracy. Columns of one history entry (and of the CLI&apos;s metrics.csv), in order.</extracomment>
        <translation>melhor acurácia de validação {acc} (época {epoch}, mantida pela acurácia)</translation>
    </message>
    <message>
        <source>best val loss {loss} (epoch {epoch}, kept by loss)</source>
        <translation>melhor perda de validação {loss} (época {epoch}, mantida pela perda)</translation>
    </message>
    <message>
        <source>the loss became NaN or infinite in epoch {epoch}, batch {batch}</source>
        <translation>a perda virou NaN ou infinita na época {epoch}, lote {batch}</translation>
    </message>
    <message>
        <source>lower the learning rate</source>
        <extracomment>How the loss reads the output: &quot;logits&quot;, &quot;probs&quot; or &quot;log-probs&quot; (portable.loop). state_dict (CPU copies) of the best epoch so far by ``settings.best``.</extracomment>
        <translation>reduza a taxa de aprendizado</translation>
    </message>
    <message>
        <source>the GPU ran out of memory</source>
        <translation>a memória da GPU acabou</translation>
    </message>
    <message>
        <source>use a smaller batch size</source>
        <translation>use um tamanho de lote menor</translation>
    </message>
    <message>
        <source>the model has no trainable parameters: unfreeze at least one layer</source>
        <translation>o modelo não tem parâmetros treináveis: descongele pelo menos uma camada</translation>
    </message>
</context>
<context>
    <name>Training</name>
    <message>
        <source>The gradient flow per block appears at the end of each epoch.</source>
        <extracomment>Training images the probe pushes through the network at each epoch end.</extracomment>
        <translation>O fluxo de gradiente por bloco aparece ao fim de cada época.</translation>
    </message>
    <message>
        <source>log10 mean |grad|</source>
        <translation>log10 do |grad| médio</translation>
    </message>
    <message>
        <source>Epoch {epoch}: no block has trainable parameters.</source>
        <translation>Época {epoch}: nenhum bloco tem parâmetros treináveis.</translation>
    </message>
    <message>
        <source>Epoch {epoch}: mean |grad| from {low} ({weakest}) to {high} ({strongest}), on {n} training images</source>
        <translation>Época {epoch}: |grad| médio de {low} ({weakest}) a {high} ({strongest}), em {n} imagens de treinamento</translation>
    </message>
    <message>
        <source>Run</source>
        <extracomment>The warm-up (torch import + one tiny step, off the GUI thread) starts this long after the window is first shown, so that the first paint happens without torch.</extracomment>
        <translation>Execução</translation>
    </message>
    <message>
        <source>Results</source>
        <translation>Resultados</translation>
    </message>
    <message>
        <source>Gradients</source>
        <translation>Gradientes</translation>
    </message>
    <message>
        <source>Settings, Start / Stop and the live loss and accuracy curves</source>
        <translation>Configurações, Iniciar / Parar e as curvas de perda e acurácia ao vivo</translation>
    </message>
    <message>
        <source>What the last run got right and wrong</source>
        <translation>O que a última execução acertou e errou</translation>
    </message>
    <message>
        <source>The gradient flow per block at each epoch end</source>
        <translation>O fluxo de gradiente por bloco ao fim de cada época</translation>
    </message>
    <message>
        <source>Save checkpoint</source>
        <translation>Salvar checkpoint</translation>
    </message>
    <message>
        <source>Load weights</source>
        <translation>Carregar pesos</translation>
    </message>
    <message>
        <source>Training starts from the weights in {name}</source>
        <translation>O treinamento parte dos pesos de {name}</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>Treinamento</translation>
    </message>
    <message>
        <source>&amp;Train</source>
        <translation>&amp;Treinar</translation>
    </message>
    <message>
        <source>&amp;Start Training</source>
        <translation>&amp;Iniciar o treinamento</translation>
    </message>
    <message>
        <source>Train the design from fresh weights</source>
        <translation>Treinar o projeto com pesos novos</translation>
    </message>
    <message>
        <source>&amp;Continue Training</source>
        <translation>&amp;Continuar o treinamento</translation>
    </message>
    <message>
        <source>Train the last model further</source>
        <translation>Continuar treinando o último modelo</translation>
    </message>
    <message>
        <source>Pause or resume the run</source>
        <translation>Pausar ou retomar a execução</translation>
    </message>
    <message>
        <source>S&amp;top</source>
        <translation>Pa&amp;rar</translation>
    </message>
    <message>
        <source>Stop after the current batch (keeps the weights)</source>
        <translation>Parar depois do lote atual (mantém os pesos)</translation>
    </message>
    <message>
        <source>Save C&amp;heckpoint...</source>
        <translation>Salvar c&amp;heckpoint...</translation>
    </message>
    <message>
        <source>Save the trained weights, optimizer state and history with the design</source>
        <translation>Salvar os pesos treinados, o estado do otimizador e o histórico com o projeto</translation>
    </message>
    <message>
        <source>&amp;Load Weights...</source>
        <translation>&amp;Carregar pesos...</translation>
    </message>
    <message>
        <source>Start training from a state_dict file (as Import and Export write)</source>
        <translation>Iniciar o treinamento a partir de um arquivo state_dict (como Importar e Exportar gravam)</translation>
    </message>
    <message>
        <source>&amp;Forget Loaded Weights</source>
        <translation>&amp;Esquecer os pesos carregados</translation>
    </message>
    <message>
        <source>Start training from the seeded initialization again</source>
        <translation>Iniciar o treinamento novamente a partir da inicialização com semente</translation>
    </message>
    <message>
        <source>&amp;Resume</source>
        <translation>&amp;Retomar</translation>
    </message>
    <message>
        <source>Training failed: {message}</source>
        <translation>O treinamento falhou: {message}</translation>
    </message>
    <message>
        <source>Training {what} after {n} epochs: val acc {acc}</source>
        <translation>Treinamento {what} depois de {n} épocas: acurácia de validação {acc}</translation>
    </message>
    <message>
        <source>completed</source>
        <translation>concluído</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>interrompido</translation>
    </message>
    <message>
        <source>early-stopped</source>
        <translation>parado antecipadamente</translation>
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation>&amp;Pausar</translation>
    </message>
    <message>
        <source>Built-in datasets download on first use; an image folder has one sub-folder of images per class</source>
        <translation>Os conjuntos de dados embutidos são baixados no primeiro uso; uma pasta de imagens tem uma subpasta de imagens por classe</translation>
    </message>
    <message>
        <source>default</source>
        <translation>padrão</translation>
    </message>
    <message>
        <source>Where downloaded datasets are kept (empty: the default folder)</source>
        <translation>Onde ficam os conjuntos de dados baixados (vazio: a pasta padrão)</translation>
    </message>
    <message>
        <source>Choose the data folder</source>
        <translation>Escolher a pasta de dados</translation>
    </message>
    <message>
        <source>Images per training step</source>
        <translation>Imagens por passo de treinamento</translation>
    </message>
    <message>
        <source>Passes over the training set (in total)</source>
        <translation>Passagens pelo conjunto de treinamento (no total)</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>Taxa de aprendizado</translation>
    </message>
    <message>
        <source>SGD momentum</source>
        <translation>Momento do SGD</translation>
    </message>
    <message>
        <source>Nesterov</source>
        <translation>Nesterov</translation>
    </message>
    <message>
        <source>Nesterov momentum (SGD with momentum &gt; 0)</source>
        <translation>Momento de Nesterov (SGD com momento &gt; 0)</translation>
    </message>
    <message>
        <source>L2 penalty on the weights</source>
        <translation>Penalidade L2 sobre os pesos</translation>
    </message>
    <message>
        <source>Learning-rate schedule: step decay, cosine decay, one-cycle, or reduce on plateau</source>
        <translation>Agenda da taxa de aprendizado: decaimento em degraus, decaimento cosseno, one-cycle ou redução no platô</translation>
    </message>
    <message>
        <source>off</source>
        <translation>desligado</translation>
    </message>
    <message>
        <source>Which epoch&apos;s weights the run keeps (and early stopping counts from): the lowest validation loss or the highest validation accuracy</source>
        <translation>Os pesos de qual época a execução mantém (e a partir da qual a parada antecipada conta): a menor perda de validação ou a maior acurácia de validação</translation>
    </message>
    <message>
        <source>Augment</source>
        <translation>Aumentar dados</translation>
    </message>
    <message>
        <source>Random shifts, small rotations (and flips where they fit)</source>
        <translation>Deslocamentos aleatórios, pequenas rotações (e espelhamentos onde fazem sentido)</translation>
    </message>
    <message>
        <source>auto: a GPU when there is one, else the CPU</source>
        <translation>auto: uma GPU quando houver, senão a CPU</translation>
    </message>
    <message>
        <source>Seed for the weights, the split and the shuffling</source>
        <translation>Semente dos pesos, da divisão e do embaralhamento</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Iniciar</translation>
    </message>
    <message>
        <source>Start training from fresh weights (F5)</source>
        <translation>Iniciar o treinamento com pesos novos (F5)</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>Continuar</translation>
    </message>
    <message>
        <source>Train the last model further: up to the total epochs, or that many more when reached</source>
        <translation>Continuar treinando o último modelo: até o total de épocas, ou mais essa quantidade quando já alcançado</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Pausar</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Parar</translation>
    </message>
    <message>
        <source>Stop after the current batch; the weights are kept</source>
        <translation>Parar depois do lote atual; os pesos são mantidos</translation>
    </message>
    <message>
        <source>Not started</source>
        <translation>Não iniciado</translation>
    </message>
    <message>
        <source>Choose the data and press Start (F5).</source>
        <translation>Escolha os dados e pressione Iniciar (F5).</translation>
    </message>
    <message>
        <source>Momentum</source>
        <translation>Momento</translation>
    </message>
    <message>
        <source>Dataset</source>
        <translation>Conjunto de dados</translation>
    </message>
    <message>
        <source>Batch size</source>
        <translation>Tamanho do lote</translation>
    </message>
    <message>
        <source>Epochs</source>
        <translation>Épocas</translation>
    </message>
    <message>
        <source>Optimizer</source>
        <translation>Otimizador</translation>
    </message>
    <message>
        <source>Weight decay</source>
        <translation>Decaimento de pesos</translation>
    </message>
    <message>
        <source>Schedule</source>
        <translation>Agenda</translation>
    </message>
    <message>
        <source>Early stop</source>
        <translation>Parada antecipada</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>Dispositivo</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>Semente</translation>
    </message>
    <message>
        <source>Keep best by</source>
        <translation>Melhor por</translation>
    </message>
    <message>
        <source>starting from {label}</source>
        <translation>a partir de {label}</translation>
    </message>
    <message>
        <source>Start trains from the weights of {label} (Train &gt; Forget Loaded Weights to start from the seeded initialization)</source>
        <translation>Iniciar treina a partir dos pesos de {label} (Treinar &gt; Esquecer os pesos carregados para partir da inicialização com semente)</translation>
    </message>
    <message>
        <source>Start training from the weights of {label} (F5)</source>
        <translation>Iniciar o treinamento a partir dos pesos de {label} (F5)</translation>
    </message>
    <message>
        <source>Image folder (one sub-folder per class)</source>
        <translation>Pasta de imagens (uma subpasta por classe)</translation>
    </message>
    <message>
        <source> · paused</source>
        <translation> · pausado</translation>
    </message>
    <message>
        <source>Stopping after the current batch...</source>
        <translation>Parando depois do lote atual...</translation>
    </message>
    <message>
        <source>Epoch {epoch}/{epochs}</source>
        <translation>Época {epoch}/{epochs}</translation>
    </message>
    <message>
        <source>Training on {device}: {train} training and {val} validation images, {params} trainable parameters</source>
        <translation>Treinando em {device}: {train} imagens de treinamento e {val} de validação, {params} parâmetros treináveis</translation>
    </message>
    <message>
        <source>Epoch {epoch}/{epochs} · batch {batch}/{batches} · {speed} samples/s · {eta} left</source>
        <translation>Época {epoch}/{epochs} · lote {batch}/{batches} · {speed} amostras/s · faltam {eta}</translation>
    </message>
    <message>
        <source>Finished</source>
        <translation>Concluído</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>Interrompido</translation>
    </message>
    <message>
        <source>Early-stopped</source>
        <translation>Parado antecipadamente</translation>
    </message>
    <message>
        <source>{what} after {n} epochs</source>
        <translation>{what} depois de {n} épocas</translation>
    </message>
    <message>
        <source>{what} in {time}: val loss {loss}, val acc {acc}</source>
        <translation>{what} em {time}: perda de validação {loss}, acurácia de validação {acc}</translation>
    </message>
    <message>
        <source>Not trained</source>
        <translation>Não treinado</translation>
    </message>
    <message>
        <source>Data folder</source>
        <translation>Pasta de dados</translation>
    </message>
    <message>
        <source>lowest val loss</source>
        <translation>menor perda de val.</translation>
    </message>
    <message>
        <source>highest val acc</source>
        <translation>maior acurácia de val.</translation>
    </message>
    <message>
        <source>Image folder...</source>
        <translation>Pasta de imagens...</translation>
    </message>
    <message>
        <source>Stop after this many epochs without a better one by Keep best by (0: never)</source>
        <translation>Parar depois de tantas épocas sem uma melhor segundo Melhor por (0: nunca)</translation>
    </message>
    <message>
        <source>Where downloaded datasets are kept (empty: {folder})</source>
        <translation>Onde ficam os conjuntos de dados baixados (vazio: {folder})</translation>
    </message>
    <message>
        <source>Preparing: building the model and loading the data...</source>
        <translation>Preparando: construindo o modelo e carregando os dados...</translation>
    </message>
    <message>
        <source>Preparing...</source>
        <translation>Preparando...</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Retomar</translation>
    </message>
    <message>
        <source>Epoch {epoch}: train loss {train_loss}, acc {train_acc}; val loss {val_loss}, acc {val_acc}</source>
        <translation>Época {epoch}: perda de treinamento {train_loss}, acurácia {train_acc}; perda de validação {val_loss}, acurácia {val_acc}</translation>
    </message>
    <message>
        <source>  (best so far by {criterion})</source>
        <translation>  (a melhor até agora pela {criterion})</translation>
    </message>
    <message>
        <source>accuracy</source>
        <translation>acurácia</translation>
    </message>
    <message>
        <source>loss</source>
        <translation>perda</translation>
    </message>
    <message>
        <source>accuracy %</source>
        <translation>acurácia %</translation>
    </message>
    <message>
        <source>epoch</source>
        <translation>época</translation>
    </message>
    <message>
        <source>batches</source>
        <translation>lotes</translation>
    </message>
    <message>
        <source>train</source>
        <translation>treinamento</translation>
    </message>
    <message>
        <source>validation</source>
        <translation>validação</translation>
    </message>
    <message>
        <source>learning rate</source>
        <translation>taxa de aprendizado</translation>
    </message>
    <message>
        <source>Clear runs</source>
        <translation>Limpar execuções</translation>
    </message>
    <message>
        <source>Remove the dimmed curves of earlier runs</source>
        <translation>Remover as curvas esmaecidas das execuções anteriores</translation>
    </message>
    <message>
        <source>1 earlier run dimmed (solid: train, dashed: validation)</source>
        <translation>1 execução anterior esmaecida (contínua: treinamento, tracejada: validação)</translation>
    </message>
    <message>
        <source>{n} earlier runs dimmed (solid: train, dashed: validation)</source>
        <translation>{n} execuções anteriores esmaecidas (contínua: treinamento, tracejada: validação)</translation>
    </message>
    <message>
        <source>true class</source>
        <translation>classe verdadeira</translation>
    </message>
    <message>
        <source>Confusion matrix</source>
        <translation>Matriz de confusão</translation>
    </message>
    <message>
        <source>Per-class accuracy</source>
        <translation>Acurácia por classe</translation>
    </message>
    <message>
        <source>Misclassified validation images</source>
        <translation>Imagens de validação classificadas errado</translation>
    </message>
    <message>
        <source>The confusion matrix and the mistakes appear when a run ends.</source>
        <translation>A matriz de confusão e os erros aparecem quando uma execução termina.</translation>
    </message>
    <message>
        <source>No misclassified validation images</source>
        <translation>Nenhuma imagem de validação classificada errado</translation>
    </message>
    <message>
        <source> (first ones)</source>
        <translation> (as primeiras)</translation>
    </message>
    <message>
        <source>{n} misclassified validation images{more}
captions: predicted (true)</source>
        <translation>{n} imagens de validação classificadas errado{more}
legendas: prevista (verdadeira)</translation>
    </message>
    <message>
        <source>predicted {pred}, true class {true}</source>
        <translation>prevista {pred}, classe verdadeira {true}</translation>
    </message>
    <message>
        <source>Running…</source>
        <translation>Executando…</translation>
    </message>
    <message>
        <source>Step Memory</source>
        <translation>Memória do passo</translation>
    </message>
    <message>
        <source>Running one training step…</source>
        <translation>Executando um passo de treinamento…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Fechar</translation>
    </message>
    <message>
        <source>peak allocated by torch</source>
        <translation>pico alocado pelo torch</translation>
    </message>
    <message>
        <source>tensors held</source>
        <translation>tensores mantidos</translation>
    </message>
    <message>
        <source>Estimate: {total} (weights {weights}, gradients {gradients}, optimizer {optimizer}, activations {activations})</source>
        <translation>Estimativa: {total} (pesos {weights}, gradientes {gradients}, otimizador {optimizer}, ativações {activations})</translation>
    </message>
    <message>
        <source>Measured on {device}: {bytes} ({held})</source>
        <translation>Medido em {device}: {bytes} ({held})</translation>
    </message>
    <message>
        <source>The estimate is {percent} % higher than what torch held.</source>
        <translation>A estimativa é {percent} % maior do que o que o torch manteve.</translation>
    </message>
    <message>
        <source>The estimate is {percent} % lower than what torch held.</source>
        <translation>A estimativa é {percent} % menor do que o que o torch manteve.</translation>
    </message>
    <message>
        <source>Measure Step &amp;Memory…</source>
        <translation>Medir a &amp;memória do passo…</translation>
    </message>
    <message>
        <source>Run one training step with the panel&apos;s batch size, optimizer and device, and compare the memory torch holds with the estimate</source>
        <translation>Executar um passo de treinamento com o tamanho do lote, o otimizador e o dispositivo do painel, e comparar a memória que o torch mantém com a estimativa</translation>
    </message>
    <message>
        <source>Training settings: {exc}</source>
        <translation>Configurações de treinamento: {exc}</translation>
    </message>
    <message>
        <source>One training step of batch {batch_size} with {optimizer} on {device}…</source>
        <translation>Um passo de treinamento com lote {batch_size} com {optimizer} em {device}…</translation>
    </message>
    <message>
        <source>The step could not be measured: {reason}</source>
        <translation>Não foi possível medir o passo: {reason}</translation>
    </message>
    <message>
        <source>One training step of batch {batch_size} on {device}</source>
        <translation>Um passo de treinamento com lote {batch_size} em {device}</translation>
    </message>
    <message>
        <source>Check &amp;Design…</source>
        <translation>&amp;Verificar o projeto…</translation>
    </message>
    <message>
        <source>Loss at initialisation, overfit a tiny batch, gradient flow: before a long run</source>
        <translation>Perda na inicialização, sobreajuste de um lote minúsculo, fluxo de gradiente: antes de uma execução longa</translation>
    </message>
    <message>
        <source>Find &amp;Learning Rate…</source>
        <translation>Encontrar a &amp;taxa de aprendizado…</translation>
    </message>
    <message>
        <source>Sweep the learning rate over a few batches and suggest one</source>
        <translation>Varrer a taxa de aprendizado em alguns lotes e sugerir uma</translation>
    </message>
    <message>
        <source>Show &amp;Gradient Flow</source>
        <translation>Mostrar o fluxo de &amp;gradiente</translation>
    </message>
    <message>
        <source>Badges on the blocks with their mean |grad| from Train ▸ Check Design or the run</source>
        <translation>Selos nos blocos com seu |grad| médio de Treinar ▸ Verificar o projeto ou da execução</translation>
    </message>
    <message>
        <source>after epoch {epoch}</source>
        <translation>depois da época {epoch}</translation>
    </message>
    <message>
        <source>{what} {design} on {dataset}…</source>
        <translation>{what} {design} em {dataset}…</translation>
    </message>
    <message>
        <source>the design</source>
        <translation>o projeto</translation>
    </message>
    <message>
        <source>Check Design</source>
        <translation>Verificar o projeto</translation>
    </message>
    <message>
        <source>Checking</source>
        <translation>Verificando</translation>
    </message>
    <message>
        <source>The check could not run: {reason}</source>
        <translation>A verificação não pôde ser executada: {reason}</translation>
    </message>
    <message>
        <source>All checks passed</source>
        <translation>Todas as verificações passaram</translation>
    </message>
    <message>
        <source>Some checks failed</source>
        <translation>Algumas verificações falharam</translation>
    </message>
    <message>
        <source>at initialisation</source>
        <translation>na inicialização</translation>
    </message>
    <message>
        <source>Gradient flow at initialisation (mean |grad| per block, log scale)</source>
        <translation>Fluxo de gradiente na inicialização (|grad| médio por bloco, escala log)</translation>
    </message>
    <message>
        <source>Find Learning Rate</source>
        <translation>Encontrar a taxa de aprendizado</translation>
    </message>
    <message>
        <source>Sweeping the learning rate for</source>
        <translation>Varrendo a taxa de aprendizado para</translation>
    </message>
    <message>
        <source>The sweep could not run: {reason}</source>
        <translation>A varredura não pôde ser executada: {reason}</translation>
    </message>
    <message>
        <source>Suggested learning rate: {lr} ({optimizer}, fastai&apos;s valley)</source>
        <translation>Taxa de aprendizado sugerida: {lr} ({optimizer}, o vale do fastai)</translation>
    </message>
    <message>
        <source>steepest descent {steep} · lowest loss / 10 {minimum} · {n} batches</source>
        <translation>descida mais íngreme {steep} · menor perda / 10 {minimum} · {n} lotes</translation>
    </message>
    <message>
        <source>smoothed loss</source>
        <translation>perda suavizada</translation>
    </message>
    <message>
        <source>Use {lr}</source>
        <translation>Usar {lr}</translation>
    </message>
    <message>
        <source>Put the suggestion into the training settings (one undo step)</source>
        <translation>Colocar a sugestão nas configurações de treinamento (um passo de desfazer)</translation>
    </message>
    <message>
        <source>Use suggested learning rate</source>
        <translation>Usar a taxa de aprendizado sugerida</translation>
    </message>
    <message>
        <source>Change training settings</source>
        <extracomment>Where a fresh run&apos;s weights come from (&quot;&quot; when from the seeded initialization). The torch module of the last or current run, or None. The dataset of the last or current run, or None. Epoch entries (``EpochEnded.to_dict()``) of the last or current run. Finished runs for overlaying: ``{&quot;label&quot;, &quot;history&quot;, &quot;settings&quot;, &quot;current&quot;}``. One line (message, and hint after &quot; — &quot;) of the last failure, or &quot;&quot;. Up to 32 misclassified validation images (N x H x W x C in [0, 1]) of the last run. (predicted, true) class for each row of ``misclassified_images``. Devices torch reports (after the warm-up), ``[]`` before it. The default data folder (known after the warm-up), &quot;&quot; before it. The state_dict a fresh run starts from (imported or loaded weights), or None. Where ``initial_weights`` come from (a file name, an import source), or &quot;&quot;. The Training dock and its content, set by ``install_training``.</extracomment>
        <translation>Alterar as configurações de treinamento</translation>
    </message>
</context>
</TS>
